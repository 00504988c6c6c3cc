import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// The consent-and-purpose filter: the only writer of partner-facing topics.
///
/// For every disclosure it first writes a DisclosureLogged record and waits for Kafka's
/// acknowledgement, then writes the minimised TaskOffered: a disclosure whose log record
/// cannot be written does not happen. Ids derive from the input, so a replay after a
/// crash rewrites the same records.
public struct FilterEngine: Sendable {
    let policies: PolicySet
    let store: FilterStore
    let publisher: EventPublisher
    let partnerIDs: PartnerPseudonymizer
    let logger: Logger

    public init(policies: PolicySet, store: FilterStore, publisher: EventPublisher, partnerIDs: PartnerPseudonymizer,
                logger: Logger) {
        self.policies = policies
        self.store = store
        self.publisher = publisher
        self.partnerIDs = partnerIDs
        self.logger = logger
    }

    @Sendable public func handle(_ event: ReceivedEvent) async throws {
        let envelope = event.envelope
        if try await store.isProcessed(envelope.id) { return }
        switch envelope.type {
        case let type where type.isIntakeNotice:
            let notice: IntakeNotice
            do {
                notice = try IntakeNotice.decode(from: Data(event.record.value), eventType: type)
            } catch {
                throw PoisonEvent(reason: "invalid-payload", detail: "the \(type.rawValue) body does not match its schema")
            }
            try await observe(FlowObserved(observationId: "", sourceEventType: type, subjectId: notice.subjectId,
                                           municipality: notice.municipality, occurredAt: envelope.time), envelope)
        case .taskAssigned:
            let task = try event.decode(TaskAssigned.self)
            try await offer(task, sourceEventId: envelope.id, trace: envelope.traceparent)
            try await observe(FlowObserved(observationId: "", sourceEventType: .taskAssigned, subjectId: task.subjectId,
                                           municipality: task.municipality, caseId: task.caseId, taskId: task.taskId,
                                           domain: task.domain, partnerId: task.partnerId, occurredAt: envelope.time), envelope)
        case .caseOpened:
            let opened = try event.decode(CaseOpened.self)
            try await observe(FlowObserved(observationId: "", sourceEventType: .caseOpened, subjectId: opened.subjectId,
                                           municipality: opened.municipality, caseId: opened.caseId,
                                           occurredAt: envelope.time), envelope)
        case .taskStatusChanged:
            let status = try event.decode(TaskStatusChanged.self)
            guard let subjectId = status.subjectId else {
                throw PoisonEvent(reason: "missing-subject", detail: "a case-event TaskStatusChanged names no subject")
            }
            try await observe(FlowObserved(observationId: "", sourceEventType: .taskStatusChanged, subjectId: subjectId,
                                           caseId: status.caseId, taskId: status.taskId, domain: status.domain,
                                           partnerId: status.partnerId, status: status.status, occurredAt: envelope.time), envelope)
        case .escalationRaised:
            let escalation = try event.decode(EscalationRaised.self)
            try await observe(FlowObserved(observationId: "", sourceEventType: .escalationRaised, subjectId: escalation.subjectId,
                                           caseId: escalation.caseId, taskId: escalation.taskId, reason: escalation.reason,
                                           occurredAt: envelope.time), envelope)
        case .caseClosed:
            let closed = try event.decode(CaseClosed.self)
            try await observe(FlowObserved(observationId: "", sourceEventType: .caseClosed, subjectId: closed.subjectId,
                                           caseId: closed.caseId, occurredAt: envelope.time), envelope)
        case .consentGiven:
            // The order in which statements arrive decides, never a time inside them: one
            // partition per person keeps a person's statements in the order intake took them.
            let consent = try event.decode(ConsentGiven.self)
            try await store.setConsent(subjectId: consent.subjectId, domain: consent.domain, given: true,
                                       consentId: consent.consentId)
            for parked in try await store.parked(subjectId: consent.subjectId, domain: consent.domain) {
                // Consent may have been withdrawn again by a later event already applied.
                guard try await store.hasConsent(subjectId: consent.subjectId, domain: consent.domain) else { break }
                let trace = TraceParent(parked.traceparent) ?? envelope.traceparent
                try await disclose(parked.task, sourceEventId: parked.sourceEventId, trace: trace)
                // Planning heard the task was waiting: tell it the wait is over.
                if try await store.release(parked.sourceEventId) {
                    try await reportStatus(.offered, reason: nil, of: parked.task, sourceEventId: parked.sourceEventId, trace: trace)
                }
                try await store.unpark(parked.sourceEventId)
            }
        case .consentWithdrawn:
            let withdrawal = try event.decode(ConsentWithdrawn.self)
            try await store.setConsent(subjectId: withdrawal.subjectId, domain: withdrawal.domain, given: false,
                                       consentId: withdrawal.consentId)
            logger.info("consent withdrawn; further disclosures stop", metadata: [
                "event.id": .string(envelope.id), "consent.domain": .string(withdrawal.domain.rawValue),
            ])
        default:
            throw PoisonEvent(reason: "unexpected-type", detail: "the filter does not handle \(envelope.type.rawValue)")
        }
        try await store.markProcessed(envelope.id)
    }

    /// Applies the partner's policy: deny, wait for consent, or disclose. A task that is
    /// denied is reported to planning at once, one that waits after a grace period.
    private func offer(_ task: TaskAssigned, sourceEventId: String, trace: TraceParent) async throws {
        let metadata: Logger.Metadata = ["event.id": .string(sourceEventId), "partner.id": .string(task.partnerId),
                                         "partner.role": .string(task.partnerRole.rawValue)]
        guard let policy = policies.policy(for: task.partnerRole), policy.eventTypes.contains(.taskAssigned) else {
            logger.warning("disclosure denied: no policy allows it", metadata: metadata)
            try await reportStatus(.undeliverable, reason: HubReason.noPolicy, of: task, sourceEventId: sourceEventId, trace: trace)
            return
        }
        if policy.needsConsent, try await !store.hasConsent(subjectId: task.subjectId, domain: task.domain) {
            // Reported to planning by `reportLongWaits` once it waited past the grace period:
            // the consent of the same plan is often on its way on the consent topic.
            try await store.park(ParkedTask(sourceEventId: sourceEventId, task: task, traceparent: trace.description))
            logger.info("disclosure waits for consent", metadata: metadata)
            return
        }
        try await disclose(task, sourceEventId: sourceEventId, trace: trace)
    }

    /// Logs, then discloses. Both records carry ids derived from the source event.
    func disclose(_ task: TaskAssigned, sourceEventId: String, trace: TraceParent) async throws {
        guard let policy = policies.policy(for: task.partnerRole) else { return }
        let disclosure = PartnerDisclosure(task: task, policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId,
                                           trace: trace, publisher: publisher, now: Date())
        // Fail closed: without an acknowledged log record this throws before anything is disclosed.
        try await publisher.producer.send(try disclosure.logRecord())
        try await publisher.producer.send(try disclosure.partnerRecord())
        logger.info("task disclosed to partner", metadata: [
            "event.id": .string(sourceEventId), "partner.id": .string(task.partnerId),
            "processing.activity": .string(policy.processingActivityId),
            "disclosure.id": .string(disclosure.logged.disclosureId), "trace.id": .string(trace.traceID),
        ])
    }

    /// Tells planning, on the partner-status topic, what became of a task on the hub's side.
    func reportStatus(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                      trace: TraceParent) async throws {
        let report = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: status,
                                       reason: reason, changedAt: Date())
        try await publisher.publishTaskStatus(report, id: EventPublisher.hubStatusID(causedBy: sourceEventId, status),
                                              trace: trace.child())
    }

    /// Tells planning about every task parked before `cutoff` and not reported yet.
    /// Returns how many were reported.
    @discardableResult
    public func reportLongWaits(parkedBefore cutoff: Date) async throws -> Int {
        var reported = 0
        while true {
            let waiting = try await store.unreportedParked(parkedBefore: cutoff)
            guard !waiting.isEmpty else { return reported }
            for parked in waiting {
                // Claimed first: consent arriving meanwhile then sees the claim and reports `offered`.
                guard try await store.claimForReport(parked.sourceEventId) else { continue }
                do {
                    try await reportStatus(.awaitingConsent, reason: HubReason.consentMissing, of: parked.task,
                                           sourceEventId: parked.sourceEventId,
                                           trace: TraceParent(parked.traceparent) ?? .random())
                } catch {
                    try? await store.unclaimReport(parked.sourceEventId)
                    throw error
                }
                reported += 1
            }
        }
    }

    /// Called after a record went to the dead letters: a task among them is reported
    /// undeliverable, so it does not disappear in silence.
    @Sendable public func deadLettered(_ record: ConsumerRecord, reason: String) async throws {
        guard let envelope = try? EventEnvelope(headers: record.headers), envelope.type == .taskAssigned,
              let task = try? TaskAssigned.decodedJSON(Data(record.value)) else { return }
        try await reportStatus(.undeliverable, reason: HubReason.deadLettered, of: task, sourceEventId: envelope.id,
                               trace: envelope.traceparent)
    }

    /// Writes the pseudonymous monitoring view of an event.
    private func observe(_ observation: FlowObserved, _ envelope: EventEnvelope) async throws {
        var observation = observation
        observation.observationId = DeterministicID.string("observation", envelope.id)
        try await publisher.publish(observation, topic: Topics.monitoringFeed, key: observation.subjectId,
                                    id: observation.observationId, subject: observation.subjectId,
                                    trace: envelope.traceparent.child(), time: envelope.time)
    }
}
