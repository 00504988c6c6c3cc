import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Synchronization

/// A small coordinator desk in memory, for testing the HTTP layer above it: the real desk
/// (over planning's store) has tests of its own. It keeps the rules the HTTP layer relies
/// on: scope (outside it nothing exists), states (409), the partner check of a
/// reassignment (422), and idempotency by request id. It records every request id it got.
final class InMemoryDesk: CoordinatorDesk {
    struct State {
        var timelines: [UUID: CaseTimeline] = [:]
        var escalations: [String: EscalationView] = [:]
        /// (operation, request id) per command call, in order.
        var calls: [(String, String)] = []
        /// Results of commands already done, by request id: a repeat answers the same.
        var done: [String: Any] = [:]
    }

    let directory: PartnerDirectory
    let now: @Sendable () -> Date
    private let state: Mutex<State>

    init(directory: PartnerDirectory, timelines: [CaseTimeline], escalations: [EscalationView], now: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.now = now
        var initial = State()
        for timeline in timelines { initial.timelines[timeline.summary.caseId] = timeline }
        for view in escalations { initial.escalations[view.escalation.escalationId] = view }
        state = Mutex(initial)
    }

    var calls: [(String, String)] { state.withLock { $0.calls } }
    func escalation(_ id: String) -> EscalationView? { state.withLock { $0.escalations[id] } }
    func timelineNow(_ id: UUID) -> CaseTimeline? { state.withLock { $0.timelines[id] } }

    private static let missing = CoordinatorError(.notFound, "No such case, task or escalation.")

    func cases(_ query: CaseQuery, actor: CoordinatorActor) async throws -> [CaseSummary] {
        let summaries: [CaseSummary] = state.withLock { $0.timelines.values.map(\.summary) }
        let found = summaries.filter { summary in
            guard actor.scope.covers(summary.municipality) else { return false }
            if let municipality = query.municipality, summary.municipality != municipality { return false }
            if let status = query.status, summary.status != status { return false }
            if let domain = query.domain, !summary.openDomains.contains(domain) { return false }
            if let open = query.hasOpenEscalations, (summary.openEscalations > 0) != open { return false }
            return true
        }.sorted { $0.openedAt < $1.openedAt }
        return Array(found.dropFirst(query.offset).prefix(query.limit))
    }

    func timeline(caseId: UUID, actor: CoordinatorActor) async throws -> CaseTimeline {
        guard let timeline = state.withLock({ $0.timelines[caseId] }), actor.scope.covers(timeline.summary.municipality) else {
            throw Self.missing
        }
        return timeline
    }

    func escalations(_ query: EscalationQuery, actor: CoordinatorActor) async throws -> [EscalationView] {
        state.withLock { Array($0.escalations.values) }
            .filter { actor.scope.covers($0.escalation.municipality) }
            .filter { view in
                switch query.status {
                case nil, .all?: return true
                case .open?: return view.status != .resolved
                case .acknowledged?: return view.status == .acknowledged
                case .resolved?: return view.status == .resolved
                }
            }
            .filter { query.caseId == nil || $0.escalation.caseId == query.caseId }
            .filter { query.municipality == nil || $0.escalation.municipality == query.municipality }
    }

    func acknowledge(escalationId: String, note: String?, actor: CoordinatorActor, requestId: String) async throws -> EscalationView {
        try updateEscalation(escalationId, note: note, actor: actor, requestId: requestId, to: .acknowledged)
    }

    func resolve(escalationId: String, note: String, actor: CoordinatorActor, requestId: String) async throws -> EscalationView {
        try updateEscalation(escalationId, note: note, actor: actor, requestId: requestId, to: .resolved)
    }

    private func updateEscalation(_ id: String, note: String?, actor: CoordinatorActor, requestId: String,
                                  to status: EscalationView.Status) throws -> EscalationView {
        try state.withLock { s in
            s.calls.append((status.rawValue, requestId))
            if let done = s.done[requestId] as? EscalationView { return done }
            guard var view = s.escalations[id], actor.scope.covers(view.escalation.municipality) else { throw Self.missing }
            guard view.status != .resolved else { throw CoordinatorError(.conflict, "The escalation is resolved already.") }
            view.status = status
            view.note = note ?? view.note
            if status == .resolved { (view.resolvedBy, view.resolvedAt) = (actor.name, now()) }
            else { (view.acknowledgedBy, view.acknowledgedAt) = (actor.name, now()) }
            s.escalations[id] = view
            s.done[requestId] = view
            return view
        }
    }

    func reassign(taskId: String, toPartnerId: String, reason: String, actor: CoordinatorActor,
                  requestId: String) async throws -> TaskRecord {
        try state.withLock { s in
            s.calls.append(("reassign", requestId))
            if let done = s.done[requestId] as? TaskRecord { return done }
            guard var timeline = s.timelines.values.first(where: { $0.tasks.contains { $0.taskId == taskId } }),
                  actor.scope.covers(timeline.summary.municipality),
                  let index = timeline.tasks.firstIndex(where: { $0.taskId == taskId }) else { throw Self.missing }
            let old = timeline.tasks[index]
            guard old.isOpen else { throw CoordinatorError(.conflict, "The task is not open.") }
            guard let partner = directory.partner(id: toPartnerId), partner.id != old.partnerId,
                  partner.serves(timeline.summary.municipality), old.domain.map(partner.domains.contains) ?? false else {
                throw CoordinatorError(.invalid, "That partner cannot take this task.")
            }
            var new = old
            new.taskId = DeterministicID.string("reassigned", requestId, taskId)
            new.partnerId = partner.id
            new.partnerRole = partner.role
            new.status = TaskRecord.assigned
            new.reassignedFromTaskId = taskId
            timeline.tasks[index].status = TaskRecord.withdrawn
            timeline.tasks.append(new)
            s.timelines[timeline.summary.caseId] = timeline
            s.done[requestId] = new
            return new
        }
    }

    func addNote(caseId: UUID, text: String, actor: CoordinatorActor, requestId: String) async throws -> CaseNote {
        try state.withLock { s in
            s.calls.append(("note", requestId))
            if let done = s.done[requestId] as? CaseNote { return done }
            guard var timeline = s.timelines[caseId], actor.scope.covers(timeline.summary.municipality) else { throw Self.missing }
            guard timeline.summary.status == .open else { throw CoordinatorError(.conflict, "The case is closed.") }
            let note = CaseNote(noteId: DeterministicID.string("note", requestId), caseId: caseId, text: text, author: actor.name, at: now())
            timeline.notes.append(note)
            s.timelines[caseId] = timeline
            s.done[requestId] = note
            return note
        }
    }

    func close(caseId: UUID, reason: CaseClosed.CoordinatorReason, note: String?, actor: CoordinatorActor,
               requestId: String) async throws -> CaseSummary {
        try changeCase(caseId, actor: actor, requestId: requestId, operation: "close") { summary in
            guard summary.status == .open else { throw CoordinatorError(.conflict, "The case is closed.") }
            summary.status = .closed
            summary.closedAt = now()
            summary.closeReason = .closedByCoordinator
            summary.coordinatorCloseReason = reason
        }
    }

    func recordCooperation(caseId: UUID, cooperation: CooperationRecorded.Cooperation, actor: CoordinatorActor,
                           requestId: String) async throws -> CaseSummary {
        try changeCase(caseId, actor: actor, requestId: requestId, operation: "cooperation") { $0.cooperation = cooperation }
    }

    private func changeCase(_ caseId: UUID, actor: CoordinatorActor, requestId: String, operation: String,
                            _ change: (inout CaseSummary) throws -> Void) throws -> CaseSummary {
        try state.withLock { s in
            s.calls.append((operation, requestId))
            if let done = s.done[requestId] as? CaseSummary { return done }
            guard var timeline = s.timelines[caseId], actor.scope.covers(timeline.summary.municipality) else { throw Self.missing }
            try change(&timeline.summary)
            s.timelines[caseId] = timeline
            s.done[requestId] = timeline.summary
            return timeline.summary
        }
    }
}
