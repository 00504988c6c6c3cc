import Foundation
import Logging
import NazorgContracts
import NazorgRuntime

/// ``CoordinatorDesk`` on planning's own store: queries read the store with the actor's
/// scope applied in SQL; commands are planning inputs (``CoordinatorCommand``) decided by the
/// planner and applied through the store like every event, with ids from the request id.
/// A command returns once the store committed it; its events go out right after, or with
/// the outbox relay's next round when Kafka is slow.
public struct PlanningCoordinatorDesk: CoordinatorDesk {
    let store: any CoordinatorStore
    let engine: PlanningEngine
    let planner: Planner
    let now: @Sendable () -> Date
    let publishesAfterCommands: Bool

    /// `directory` is the one partners are reassigned from (the service's); the municipality
    /// profiles and time zone are the engine's. `publishesAfterCommands: false` leaves publishing to
    /// the relay (tests drain the outbox themselves).
    public init(store: any CoordinatorStore, engine: PlanningEngine, directory: PartnerDirectory,
                now: @escaping @Sendable () -> Date = { Date() }, publishesAfterCommands: Bool = true) {
        self.store = store
        self.engine = engine
        self.planner = Planner(directory: directory, profiles: engine.planner.profiles, timeZone: engine.planner.timeZone)
        self.now = now
        self.publishesAfterCommands = publishesAfterCommands
    }

    // MARK: queries

    public func cases(_ query: CaseQuery, actor: CoordinatorActor) async throws -> [CaseSummary] {
        if let municipality = query.municipality, !actor.scope.covers(municipality) { return [] }
        let today = CalendarDate(now(), in: planner.timeZone)
        let states = try await store.caseStates(matching: query, scope: actor.scope, today: today, paged: query.domain == nil)
        guard let domain = query.domain else { return states.map(CaseSummary.init(state:)) }
        return Array(states.filter { $0.openDomains.contains(domain) }.dropFirst(max(0, query.offset)).prefix(max(0, query.limit))
            .map(CaseSummary.init(state:)))
    }

    public func timeline(caseId: UUID, actor: CoordinatorActor) async throws -> CaseTimeline {
        let state = try await scopedCase(caseId, actor: actor)
        let history = try await store.history(caseId: caseId)
        let notes = try await store.notes(caseId: caseId)
        let disclosures = try await store.disclosures(caseId: caseId)
        return CaseTimeline(summary: CaseSummary(state: state), needs: state.record.needs.map(\.need), tasks: state.tasks,
                            entries: CaseTimeline.entries(notices: state.notices, history: history),
                            disclosures: DisclosureSummary.summaries(of: disclosures), notes: notes)
    }

    public func escalations(_ query: EscalationQuery, actor: CoordinatorActor) async throws -> [EscalationView] {
        if let municipality = query.municipality, !actor.scope.covers(municipality) { return [] }
        return try await store.escalations(matching: query, scope: actor.scope)
    }

    // MARK: commands

    public func acknowledge(escalationId: String, note: String?, actor: CoordinatorActor,
                            requestId: String) async throws -> EscalationView {
        try await settle(.acknowledge(escalationId: escalationId, note: note), escalationId, actor: actor, requestId: requestId)
    }

    public func resolve(escalationId: String, note: String, actor: CoordinatorActor, requestId: String) async throws -> EscalationView {
        try await settle(.resolve(escalationId: escalationId, note: note), escalationId, actor: actor, requestId: requestId)
    }

    public func reassign(taskId: String, toPartnerId: String, reason: String, actor: CoordinatorActor,
                         requestId: String) async throws -> TaskRecord {
        let command = CoordinatorCommand.reassign(taskId: taskId, toPartnerId: toPartnerId, reason: reason)
        let eventId = try await run(command, owner: .ownerOfTask(taskId), target: taskId, actor: actor, requestId: requestId)
        let newTaskId = CoordinatorCommand.reassignedTaskId(from: taskId, eventId: eventId)
        guard let caseId = try await store.caseId(ofTask: newTaskId),
              let task = try await scopedCase(caseId, actor: actor).tasks.first(where: { $0.taskId == newTaskId }) else {
            throw CoordinatorError(.notFound, "There is no such task.")
        }
        return task
    }

    public func addNote(caseId: UUID, text: String, actor: CoordinatorActor, requestId: String) async throws -> CaseNote {
        let eventId = try await run(.addNote(text: text), owner: .caseId(caseId), target: caseId.uuidString.lowercased(),
                                    actor: actor, requestId: requestId)
        _ = try await scopedCase(caseId, actor: actor)
        let noteId = CoordinatorCommand.noteId(eventId: eventId)
        guard let note = try await store.notes(caseId: caseId).first(where: { $0.noteId == noteId }) else {
            throw CoordinatorError(.notFound, "There is no such note.")
        }
        return note
    }

    public func close(caseId: UUID, reason: CaseClosed.CoordinatorReason, note: String?, actor: CoordinatorActor,
                      requestId: String) async throws -> CaseSummary {
        _ = try await run(.close(reason: reason, note: note), owner: .caseId(caseId), target: caseId.uuidString.lowercased(),
                          actor: actor, requestId: requestId)
        return CaseSummary(state: try await scopedCase(caseId, actor: actor))
    }

    public func recordCooperation(caseId: UUID, cooperation: CooperationRecorded.Cooperation, actor: CoordinatorActor,
                                  requestId: String) async throws -> CaseSummary {
        _ = try await run(.recordCooperation(cooperation), owner: .caseId(caseId), target: caseId.uuidString.lowercased(),
                          actor: actor, requestId: requestId)
        return CaseSummary(state: try await scopedCase(caseId, actor: actor))
    }

    // MARK: running commands

    private func settle(_ command: CoordinatorCommand, _ escalationId: String, actor: CoordinatorActor,
                        requestId: String) async throws -> EscalationView {
        guard let caseId = try await store.caseId(ofEscalation: escalationId) else {
            throw CoordinatorError(.notFound, "There is no such escalation.")
        }
        _ = try await run(command, owner: .caseId(caseId), target: escalationId, actor: actor, requestId: requestId)
        let state = try await scopedCase(caseId, actor: actor)
        guard let escalation = state.escalations.first(where: { $0.escalationId == escalationId }) else {
            throw CoordinatorError(.notFound, "There is no such escalation.")
        }
        return escalation.view(person: state.record.person)
    }

    /// Applies the command as one planning input and returns its event id. A repeat of a
    /// request already applied changes nothing and succeeds; the caller reads the result.
    private func run(_ command: CoordinatorCommand, owner: PlanningInput.Owner, target: String, actor: CoordinatorActor,
                     requestId: String) async throws -> String {
        let eventId = CoordinatorCommand.eventId(command.name, target: target, actor: actor, requestId: requestId)
        let (planner, now, trace) = (self.planner, self.now(), TraceParent.random())
        let input = PlanningInput(eventId: eventId, owner: owner) { _, state in
            try planner.decide(command, actor: actor, eventId: eventId, trace: trace, now: now, state: state)
        }
        let metadata: Logger.Metadata = ["coordinator.command": .string(command.name), "coordinator.account": .string(actor.name),
                                         "event.id": .string(eventId)]
        switch try await store.apply([input]).first {
        case .applied, .ignored:
            engine.logger.info("planning applied a coordinator command", metadata: metadata)
            publishOutbox()
        case .alreadyApplied, nil:
            engine.logger.debug("planning coordinator command already applied", metadata: metadata)
        case .refused(let refusal):
            // The store refuses an input whose task or case it does not know.
            throw refusal.reason.hasPrefix("unknown-")
                ? CoordinatorError(.notFound, "There is no such case or task.")
                : CoordinatorError(.conflict, "The request does not fit the case as it stands.")
        }
        return eventId
    }

    /// The case, if it is in the actor's scope: one outside it does not exist for the actor.
    private func scopedCase(_ caseId: UUID, actor: CoordinatorActor) async throws -> CaseState {
        guard let state = try await store.caseState(caseId: caseId), actor.scope.covers(state.record.municipality) else {
            throw CoordinatorError(.notFound, "There is no such case.")
        }
        return state
    }

    /// Publishes the command's events now instead of at the relay's next round, without
    /// making the coordinator wait for Kafka.
    private func publishOutbox() {
        guard publishesAfterCommands else { return }
        let engine = self.engine
        Task {
            do {
                try await engine.publishOutbox()
            } catch {
                engine.logger.warning("planning outbox not published yet; the relay retries",
                                      metadata: ["error": .string(error.loggable)])
            }
        }
    }
}
