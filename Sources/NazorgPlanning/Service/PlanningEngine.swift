import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import Synchronization

/// Applies inputs to the store and publishes the resulting events before the inputs are
/// committed. Per batch: every input is decided and stored with its outbox in one
/// transaction (`prepare`), each event then learns its outcome (`stage`: a refused one goes
/// to the dead letters), and the whole outbox is published at once (`finish`).
///
/// With traces on, each input is applied in its own transaction while it is staged, inside
/// its consumer span, so that the events it decides name that span as their parent (a
/// batch's transaction runs outside every event's span).
public struct PlanningEngine: BatchEventHandler {
    let store: any PlanningStore
    let planner: Planner
    let publisher: EventPublisher
    let logger: Logger
    /// The outcomes the last `prepare` reached, by event source and id, until each is staged.
    private let prepared = PreparedOutcomes()

    /// Whether `prepare` applies the batch in one transaction (see above).
    let appliesBatches: Bool
    /// The time decisions take: the system clock in service, a controlled one in tests.
    let now: @Sendable () -> Date

    public init(store: any PlanningStore, planner: Planner, publisher: EventPublisher, logger: Logger,
                appliesBatches: Bool = true, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.planner = planner
        self.publisher = publisher
        self.logger = logger
        self.appliesBatches = appliesBatches
        self.now = now
    }

    /// Applies one input alone, then publishes the outbox in decision order: what a crash
    /// left behind goes out before this input's own events.
    @Sendable public func handle(_ event: ReceivedEvent) async throws {
        guard let input = try input(for: event) else { return report(skipped: event.envelope) }
        try report(try await store.apply([input]).first ?? .alreadyApplied, event.envelope)
        try await publishOutbox()
    }

    /// Applies the batch in one transaction. An event whose body cannot be read is left out:
    /// staging it refuses it.
    public func prepare(_ events: [ReceivedEvent]) async throws {
        prepared.outcomes.withLock { $0 = [:] }
        guard appliesBatches else { return }
        let readable = events.compactMap { event in (try? input(for: event)).map { (Self.key(of: event), $0) } }
        let outcomes = try await store.apply(readable.map(\.1))
        prepared.outcomes.withLock { prepared in
            for ((key, _), outcome) in zip(readable, outcomes) { prepared[key] = outcome }
        }
    }

    /// Reports the outcome the batch's transaction reached for the event, or applies the event
    /// alone when the batch was not prepared (a repeat is harmless: the store knows it).
    /// The outbox is published when the batch finishes.
    public func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws {
        if event.envelope.type == .subjectErased {
            return try await erase(try event.decode(SubjectErased.self), event.envelope)
        }
        let key = Self.key(of: event)
        let outcome: PlanningOutcome
        if let known = prepared.outcomes.withLock({ $0.removeValue(forKey: key) }) {
            outcome = known
        } else if let input = try input(for: event) {
            outcome = try await store.apply([input]).first ?? .alreadyApplied
        } else {
            return report(skipped: event.envelope)
        }
        try report(outcome, event.envelope)
    }

    /// An erasure the filter logged: every case of the person goes, with what waits in the
    /// outbox about them, and then their data keys (again: a record planning sealed after the
    /// erasure API deleted them would have a new one).
    private func erase(_ erasure: SubjectErased, _ envelope: EventEnvelope) async throws {
        let cases = try await store.erase(subjectId: erasure.subjectId)
        try publisher.sealing?.keys.erase(subjectId: erasure.subjectId)
        logger.info("planning erased a person", metadata: [
            "event.id": .string(envelope.id), "erasure.id": .string(erasure.erasureId), "erasure.cases": "\(cases)",
        ])
    }

    /// An event as the consumer tells events apart: by source and id.
    private static func key(of event: ReceivedEvent) -> String { event.envelope.source + "\u{1F}" + event.envelope.id }

    /// Publishes the outbox of the whole batch, in decision order, before it is committed.
    public func finish(_ effects: [Void]) async throws {
        try await publishOutbox()
    }

    /// The store's input for an event: whose case it concerns and the planner's decision; nil
    /// for what planning reads past on the disclosure log (everything but DisclosureLogged).
    private func input(for event: ReceivedEvent) throws -> PlanningInput? {
        let envelope = event.envelope
        let now = self.now()
        let planner = self.planner
        if envelope.type.isIntakeNotice {
            let notice: IntakeNotice
            do {
                notice = try IntakeNotice.decode(from: Data(event.body), eventType: envelope.type)
            } catch {
                throw PoisonEvent(reason: "invalid-payload", detail: "the \(envelope.type.rawValue) body does not match its schema")
            }
            return PlanningInput(eventId: envelope.id, owner: .subject(notice.subjectId)) { _, state in
                try planner.decide(notice: notice, eventId: envelope.id, trace: envelope.traceparent, now: now, state: state)
            }
        } else if envelope.type == .taskStatusChanged {
            let status = try event.decode(TaskStatusChanged.self)
            // Reports about a task name only the task: planning knows whose it is.
            return PlanningInput(eventId: envelope.id, owner: .ownerOfTask(status.taskId)) { subjectId, state in
                if let named = status.subjectId, named != subjectId {
                    throw PoisonEvent(reason: "wrong-subject", detail: "the task belongs to another person")
                }
                return try planner.decide(status: status, eventId: envelope.id, trace: envelope.traceparent, now: now,
                                          state: state)
            }
        } else if envelope.type == .disclosureLogged {
            let logged = try event.decode(DisclosureLogged.self)
            // A refusal reached no partner, and monitoring is no partner of the case: the
            // case's disclosures list what its partners received.
            guard logged.reachedPartner, logged.receiverRole != .rcnMonitoring else { return nil }
            let record = DisclosureRecord(disclosureId: logged.disclosureId, subjectId: logged.subjectId,
                                          receiverId: logged.receiverId, receiverRole: logged.receiverRole,
                                          sourceEventId: logged.sourceEventId, disclosedEventType: logged.disclosedEventType,
                                          disclosedAt: logged.disclosedAt)
            return PlanningInput(eventId: envelope.id, owner: .subject(logged.subjectId)) { _, _ in
                PlanningChange(disclosures: [record])
            }
        } else if event.record.topic == Topics.filterDisclosures {
            // Breach records and planning's own CaseViewed share the log; they change no case.
            return nil
        } else {
            throw PoisonEvent(reason: "unexpected-type", detail: "planning does not handle \(envelope.type.rawValue)")
        }
    }

    private func report(skipped envelope: EventEnvelope) {
        logger.debug("planning input skipped", metadata: [
            "event.id": .string(envelope.id), "event.type": .string(envelope.type.rawValue),
        ])
    }

    private func report(_ outcome: PlanningOutcome, _ envelope: EventEnvelope) throws {
        let message: Logger.Message
        var metadata: Logger.Metadata = [
            "event.id": .string(envelope.id), "event.type": .string(envelope.type.rawValue),
            "trace.id": .string(envelope.traceparent.traceID),
        ]
        switch outcome {
        case .refused(let refusal): throw refusal
        case .applied: message = "planning input applied"
        case .alreadyApplied: message = "planning input already applied"
        case .ignored(let reason):
            message = "planning input changed nothing"
            metadata["planning.ignored.reason"] = .string(reason)
        }
        logger.debug(message, metadata: metadata)
    }

    /// Closes every released case whose aftercare period ended, each in a transaction of its
    /// own with an id derived from the case, so a case closes once however often this runs.
    /// Returns how many it closed.
    @discardableResult
    public func closeDueCases() async throws -> Int {
        let now = self.now()
        guard let lastDay = planner.lastReleaseDayDue(now: now) else { return 0 }
        let planner = self.planner
        var closed = 0
        for record in try await store.openCasesReleased(onOrBefore: lastDay) {
            let caseId = record.caseId
            let trace = TraceParent.random()
            let input = PlanningInput(eventId: Planner.aftercareEndEventId(caseId: caseId), owner: .caseId(caseId)) { _, state in
                try planner.decideAftercareEnd(caseId: caseId, trace: trace, now: now, state: state)
            }
            switch try await store.apply([input]).first {
            case .applied: closed += 1
            case .refused(let refusal):
                logger.debug("planning case not closed", metadata: ["planning.refusal": .string(refusal.reason)])
            case .ignored, .alreadyApplied, nil: break
            }
        }
        return closed
    }

    /// Publishes what the store holds for Kafka, waits for the acknowledgement, and forgets it.
    public func publishOutbox() async throws {
        while true {
            let pending = try await store.pendingOutbox(limit: 5_000)
            guard !pending.isEmpty else { return }
            let records = try pending.map { event in
                try publisher.record(encoded: event.payload, type: event.type, topic: event.topic, key: event.key, id: event.eventId,
                                 subject: event.subject, trace: TraceParent(event.traceparent) ?? .random(), time: event.time)
            }
            try await publisher.publish(records)
            try await store.removeFromOutbox(pending.map(\.eventId))
        }
    }
}

/// What the last prepared batch came to, by event id; one consumer prepares and stages.
private final class PreparedOutcomes: Sendable {
    let outcomes = Mutex<[String: PlanningOutcome]>([:])
}

