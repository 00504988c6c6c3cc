import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// The consent-and-purpose filter: the only writer of partner-facing topics.
///
/// It decides a batch of events at a time (``BatchEventHandler``): every disclosure stages a
/// DisclosureLogged record as an audit record and the minimised TaskOffered as an ordinary
/// one, and ``EventConsumerService`` writes the partner records only after Kafka
/// acknowledged every log record of the batch: a disclosure whose log record cannot be
/// written does not happen. Ids derive from the input, so a replay after a crash rewrites
/// the same records.
public struct FilterEngine: BatchEventHandler {
    /// What is left to do once a batch's records were acknowledged.
    public struct Effect: Sendable {
        /// The event that is now fully handled.
        let eventId: String
        /// Parked tasks whose disclosure was written.
        var unparked: [String] = []
        /// Partner and legal basis of every disclosure staged, counted once written.
        var disclosed: [(partner: String, legalBasis: String)] = []
    }

    let policies: PolicySet
    let store: FilterStore
    let publisher: EventPublisher
    let partnerIDs: PartnerPseudonymizer
    let logger: Logger
    /// Records each disclosure decision as a span (``traceDecision(about:sourceEventId:trace:_:)``).
    let tracer: HubTracer
    /// The store's answers for the batch being staged (see ``prepare(_:)``).
    private let snapshot = BatchSnapshot()

    public init(policies: PolicySet, store: FilterStore, publisher: EventPublisher, partnerIDs: PartnerPseudonymizer,
                logger: Logger, tracer: HubTracer = .off) {
        self.tracer = tracer
        self.policies = policies
        self.store = store
        self.publisher = publisher
        self.partnerIDs = partnerIDs
        self.logger = logger
    }

    /// Decides one event. State that later events of the same batch must see (consent,
    /// parked tasks) changes at once, in ways a replay repeats harmlessly; what would lose a
    /// task if its records were never written (removing it from the parked tasks, marking
    /// the event done) is left to ``finish(_:)``.
    public func stage(_ event: ReceivedEvent, into out: inout StagedRecords) async throws -> Effect {
        let envelope = event.envelope
        var effect = Effect(eventId: envelope.id)
        if try await isProcessed(envelope.id) { return effect }
        switch envelope.type {
        case let type where type.isIntakeNotice:
            let notice: IntakeNotice
            do {
                notice = try IntakeNotice.decode(from: Data(event.record.value), eventType: type)
            } catch {
                throw PoisonEvent(reason: "invalid-payload", detail: "the \(type.rawValue) body does not match its schema")
            }
            try observe(into: &out, FlowObserved(observationId: "", sourceEventType: type, subjectId: notice.subjectId,
                                                 municipality: notice.municipality, occurredAt: envelope.time), envelope)
        case .taskAssigned:
            let task = try event.decode(TaskAssigned.self)
            try await traceDecision(about: task, sourceEventId: envelope.id, trace: envelope.traceparent) {
                try await offer(task, sourceEventId: envelope.id, trace: envelope.traceparent, into: &out, &effect)
            }
            try observe(into: &out, FlowObserved(observationId: "", sourceEventType: .taskAssigned, subjectId: task.subjectId,
                                                 municipality: task.municipality, caseId: task.caseId, taskId: task.taskId,
                                                 domain: task.domain, partnerId: task.partnerId, occurredAt: envelope.time), envelope)
        case .caseOpened:
            let opened = try event.decode(CaseOpened.self)
            try observe(into: &out, FlowObserved(observationId: "", sourceEventType: .caseOpened, subjectId: opened.subjectId,
                                                 municipality: opened.municipality, caseId: opened.caseId,
                                                 occurredAt: envelope.time), envelope)
        case .taskStatusChanged:
            let status = try event.decode(TaskStatusChanged.self)
            guard let subjectId = status.subjectId else {
                throw PoisonEvent(reason: "missing-subject", detail: "a case-event TaskStatusChanged names no subject")
            }
            try observe(into: &out, FlowObserved(observationId: "", sourceEventType: .taskStatusChanged, subjectId: subjectId,
                                                 caseId: status.caseId, taskId: status.taskId, domain: status.domain,
                                                 partnerId: status.partnerId, status: status.status, occurredAt: envelope.time), envelope)
        case .escalationRaised:
            let escalation = try event.decode(EscalationRaised.self)
            try observe(into: &out, FlowObserved(observationId: "", sourceEventType: .escalationRaised, subjectId: escalation.subjectId,
                                                 caseId: escalation.caseId, taskId: escalation.taskId, reason: escalation.reason,
                                                 occurredAt: envelope.time), envelope)
        case .caseClosed:
            let closed = try event.decode(CaseClosed.self)
            try observe(into: &out, FlowObserved(observationId: "", sourceEventType: .caseClosed, subjectId: closed.subjectId,
                                                 caseId: closed.caseId, occurredAt: envelope.time), envelope)
        case .consentGiven:
            // The order in which statements arrive decides, never a time inside them: one
            // partition per person keeps a person's statements in the order intake took them.
            let consent = try event.decode(ConsentGiven.self)
            try await setConsent(subjectId: consent.subjectId, domain: consent.domain, given: true, consentId: consent.consentId)
            for parked in try await store.parked(subjectId: consent.subjectId, domain: consent.domain) {
                let trace = TraceParent(parked.traceparent) ?? envelope.traceparent
                try await traceDecision(about: parked.task, sourceEventId: parked.sourceEventId, trace: trace) {
                    effect.disclosed += try disclose(parked.task, sourceEventId: parked.sourceEventId, trace: trace, into: &out)
                    return .disclosed
                }
                // Planning heard the task was waiting: tell it the wait is over. Released now,
                // so the reporter leaves it alone; it stays parked until its records are
                // written, so a replay discloses it again.
                if try await store.release(parked.sourceEventId) {
                    try reportStatus(.offered, reason: nil, of: parked.task, sourceEventId: parked.sourceEventId, trace: trace,
                                     into: &out)
                }
                effect.unparked.append(parked.sourceEventId)
            }
        case .consentWithdrawn:
            let withdrawal = try event.decode(ConsentWithdrawn.self)
            try await setConsent(subjectId: withdrawal.subjectId, domain: withdrawal.domain, given: false,
                                 consentId: withdrawal.consentId)
            logger.info("consent withdrawn; further disclosures stop", metadata: [
                "event.id": .string(envelope.id), "consent.domain": .string(withdrawal.domain.rawValue),
            ])
        default:
            throw PoisonEvent(reason: "unexpected-type", detail: "the filter does not handle \(envelope.type.rawValue)")
        }
        return effect
    }

    /// Reads once what staging the batch's events would otherwise read one by one: which were
    /// handled before, and the consents of the people they concern.
    public func prepare(_ events: [ReceivedEvent]) async throws {
        snapshot.replace(with: nil)
        let subjects = events.compactMap(\.envelope.subject)
        snapshot.replace(with: try await store.snapshot(eventIds: events.map(\.envelope.id), subjects: subjects))
    }

    private func isProcessed(_ eventId: String) async throws -> Bool {
        if let known = snapshot.isProcessed(eventId) { return known }
        return try await store.isProcessed(eventId)
    }

    private func hasConsent(subjectId: String, domain: Domain) async throws -> Bool {
        if let known = snapshot.hasConsent(subjectId: subjectId, domain: domain) { return known }
        return try await store.hasConsent(subjectId: subjectId, domain: domain)
    }

    private func setConsent(subjectId: String, domain: Domain, given: Bool, consentId: String) async throws {
        try await store.setConsent(subjectId: subjectId, domain: domain, given: given, consentId: consentId)
        snapshot.setConsent(subjectId: subjectId, domain: domain, given: given)
    }

    /// Marks the batch's events handled and removes the tasks it disclosed from the parked
    /// ones, in one transaction.
    public func finish(_ effects: [Effect]) async throws {
        try await store.complete(processed: effects.map(\.eventId), unparked: effects.flatMap(\.unparked))
        let disclosed = Dictionary(grouping: effects.flatMap(\.disclosed), by: { "\($0.partner) \($0.legalBasis)" })
        for disclosures in disclosed.values {
            guard let first = disclosures.first else { continue }
            HubMetrics.disclosures(partner: first.partner, legalBasis: first.legalBasis, count: disclosures.count)
        }
    }

    /// Applies the partner's policy: deny, wait for consent, or disclose. A task that is
    /// denied is reported to planning at once, one that waits after a grace period.
    private func offer(_ task: TaskAssigned, sourceEventId: String, trace: TraceParent,
                       into out: inout StagedRecords, _ effect: inout Effect) async throws -> DisclosureDecision {
        let metadata: Logger.Metadata = ["event.id": .string(sourceEventId), "partner.id": .string(task.partnerId),
                                         "partner.role": .string(task.partnerRole.rawValue)]
        guard let policy = policies.policy(for: task.partnerRole), policy.eventTypes.contains(.taskAssigned) else {
            logger.warning("disclosure denied: no policy allows it", metadata: metadata)
            try reportStatus(.undeliverable, reason: HubReason.noPolicy, of: task, sourceEventId: sourceEventId, trace: trace,
                             into: &out)
            return .denied
        }
        // Consent is given per basisvoorwaarde: a task about none cannot rest on it.
        guard !policy.needsConsent || task.domain != nil else {
            logger.warning("disclosure denied: a consent policy for a task without basisvoorwaarde", metadata: metadata)
            try reportStatus(.undeliverable, reason: HubReason.noPolicy, of: task, sourceEventId: sourceEventId, trace: trace,
                             into: &out)
            return .denied
        }
        if policy.needsConsent, let domain = task.domain, try await !hasConsent(subjectId: task.subjectId, domain: domain) {
            // Reported to planning by `reportLongWaits` once it waited past the grace period:
            // the consent of the same plan is often on its way on the consent topic.
            try await store.park(ParkedTask(sourceEventId: sourceEventId, task: task, traceparent: trace.description))
            logger.info("disclosure waits for consent", metadata: metadata)
            return .awaitingConsent
        }
        effect.disclosed += try disclose(task, sourceEventId: sourceEventId, trace: trace, into: &out)
        return .disclosed
    }

    /// Stages the log record as an audit record and the partner record after it. Both carry
    /// ids derived from the source event. Returns the disclosure to count once written.
    func disclose(_ task: TaskAssigned, sourceEventId: String, trace: TraceParent,
                  into out: inout StagedRecords) throws -> [(partner: String, legalBasis: String)] {
        guard let policy = policies.policy(for: task.partnerRole) else { return [] }
        let disclosure = PartnerDisclosure(task: task, policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId,
                                           trace: trace, publisher: publisher, now: Date())
        // Fail closed: the partner record is written only after every audit record was
        // acknowledged. Both are encoded when the batch is written, off the deciding path.
        out.writeFirst(topic: Topics.filterDisclosures) { try disclosure.logRecord() }
        out.write(topic: Topics.partnerTasks(task.partnerId)) { try disclosure.partnerRecord() }
        logger.debug("task disclosure staged", metadata: [
            "event.id": .string(sourceEventId), "partner.id": .string(task.partnerId),
            "processing.activity": .string(policy.processingActivityId),
            "disclosure.id": .string(disclosure.logged.disclosureId), "trace.id": .string(trace.traceID),
        ])
        return [(task.partnerId, policy.legalBasis.rawValue)]
    }

    /// Stages the report to planning, on the partner-status topic, of what became of a task
    /// on the hub's side.
    func reportStatus(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                      trace: TraceParent, into out: inout StagedRecords) throws {
        out.write(try statusRecord(status, reason: reason, of: task, sourceEventId: sourceEventId, trace: trace))
    }

    /// Reports at once what became of a task, outside a batch.
    func reportStatusNow(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                         trace: TraceParent) async throws {
        try await publisher.send(try statusRecord(status, reason: reason, of: task, sourceEventId: sourceEventId, trace: trace))
    }

    private func statusRecord(_ status: TaskStatus, reason: String?, of task: TaskAssigned, sourceEventId: String,
                              trace: TraceParent) throws -> ProducerRecord {
        let report = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: status,
                                       reason: reason, changedAt: Date())
        return try publisher.taskStatusRecord(report, id: EventPublisher.hubStatusID(causedBy: sourceEventId, status),
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
                    try await reportStatusNow(.awaitingConsent, reason: HubReason.consentMissing, of: parked.task,
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
        try await reportStatusNow(.undeliverable, reason: HubReason.deadLettered, of: task, sourceEventId: envelope.id,
                                  trace: envelope.traceparent)
    }

    /// Stages the pseudonymous monitoring view of an event.
    private func observe(into out: inout StagedRecords, _ observation: FlowObserved, _ envelope: EventEnvelope) throws {
        var observation = observation
        observation.observationId = DeterministicID.string("observation", envelope.id)
        let (publisher, trace, time) = (self.publisher, envelope.traceparent.child(), envelope.time)
        out.write(topic: Topics.monitoringFeed) { [observation] in
            try publisher.record(observation, topic: Topics.monitoringFeed, key: observation.subjectId,
                                 id: observation.observationId, subject: observation.subjectId, trace: trace, time: time)
        }
    }
}
