import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// The consent-and-purpose filter: the only writer of partner-facing topics.
///
/// It decides a batch of events at a time (``BatchEventHandler``): every message to a
/// partner (an offer, an update, a cancellation, a retraction) stages a DisclosureLogged
/// record as an audit record and the minimised partner record as an ordinary one, and
/// ``EventConsumerService`` writes the partner records only after Kafka acknowledged every
/// log record of the batch: a disclosure whose log record cannot be written does not
/// happen. Ids derive from the input, so a replay after a crash rewrites the same records.
public struct FilterEngine: BatchEventHandler {
    /// What is left to do once a batch's records were acknowledged.
    public struct Effect: Sendable {
        /// The event that is now fully handled.
        let eventId: String
        /// Parked tasks whose disclosure was written.
        var unparked: [String] = []
        /// Updates held while the person did not cooperate, now sent.
        var releasedHeld: [HeldUpdate.Key] = []
        /// Partner and legal basis of every disclosure staged, counted once written.
        var disclosed: [(partner: String, legalBasis: String)] = []
        /// Partner and reason of every refusal staged, counted once written.
        var refused: [(partner: String, reason: String)] = []
        /// The messages staged, remembered once written.
        var remembered: [DisclosureMemory] = []
        /// Prisons and municipalities a notice named, recorded once handled.
        var scopes: [SubjectScope] = []
        /// A case opened or closed, which the retention of the person's state counts from.
        var caseLives: [CaseLife] = []
        /// People erased (art. 17): their rows and data keys go once the batch's records are written.
        var erased: [String] = []
    }

    /// The policy set in force; a batch takes it once, in ``prepare(_:)``.
    let policyStore: PolicyStore
    let batchPolicies = BatchPolicies()
    let store: FilterStore
    let publisher: EventPublisher
    let partnerIDs: PartnerPseudonymizer
    let logger: Logger
    /// Records each disclosure decision as a span (``traceDecision(partnerId:role:sourceEventId:trace:_:)``).
    let tracer: HubTracer
    /// The store's answers for the batch being staged (see ``prepare(_:)``).
    let snapshot = BatchSnapshot()
    /// Messages staged and not yet in the store (see ``PendingDisclosures``).
    let pending = PendingDisclosures()

    /// An engine whose policies never change.
    public init(policies: PolicySet, store: FilterStore, publisher: EventPublisher, partnerIDs: PartnerPseudonymizer,
                logger: Logger, tracer: HubTracer = .off) {
        self.init(policyStore: PolicyStore(policies), store: store, publisher: publisher, partnerIDs: partnerIDs,
                  logger: logger, tracer: tracer)
    }

    public init(policyStore: PolicyStore, store: FilterStore, publisher: EventPublisher, partnerIDs: PartnerPseudonymizer,
                logger: Logger, tracer: HubTracer = .off) {
        self.tracer = tracer
        self.policyStore = policyStore
        self.store = store
        self.publisher = publisher
        self.partnerIDs = partnerIDs
        self.logger = logger
    }

    /// Decides one event. State that later events must see (consent, parked tasks, held
    /// updates, messages staged) changes at once, in ways a replay repeats harmlessly; what
    /// would lose a task or an update if its records were never written (removing it from the
    /// parked tasks or the held updates, remembering a message, marking the event done) is
    /// left to ``finish(_:)``.
    public func stage(_ event: ReceivedEvent, into out: inout StagedRecords) async throws -> Effect {
        let envelope = event.envelope
        var effect = Effect(eventId: envelope.id)
        if try await isProcessed(envelope.id) { return effect }
        // Staged again (its batch's output was refused, or it is read again): what an earlier
        // attempt staged was never written, and must not count as sent.
        pending.forget(stagedBy: envelope.id)
        let trace = envelope.traceparent
        switch envelope.type {
        case let type where type.isIntakeNotice:
            let notice: IntakeNotice
            do {
                notice = try IntakeNotice.decode(from: Data(event.body), eventType: type)
            } catch {
                throw PoisonEvent(reason: "invalid-payload", detail: "the \(type.rawValue) body does not match its schema")
            }
            effect.scopes = SubjectScope.named(by: notice)
            try observe(into: &out, &effect, FlowObserved(observing: notice, type: type), envelope)
        case .taskAssigned:
            let task = try event.decode(TaskAssigned.self)
            try await traceDecision(partnerId: task.partnerId, role: task.partnerRole, sourceEventId: envelope.id, trace: trace) {
                try await offer(task, sourceEventId: envelope.id, trace: trace, into: &out, &effect)
            }
            try observe(into: &out, &effect, FlowObserved(observing: task), envelope)
        case .taskRevised:
            let revision = try event.decode(TaskRevised.self)
            try await traceDecision(partnerId: revision.partnerId, role: revision.partnerRole, sourceEventId: envelope.id,
                                    trace: trace) {
                try await revise(revision, sourceEventId: envelope.id, trace: trace, into: &out, &effect)
            }
            try observe(into: &out, &effect, FlowObserved(observing: revision), envelope)
        case .taskWithdrawn:
            let withdrawn = try event.decode(TaskWithdrawn.self)
            try await traceDecision(partnerId: withdrawn.partnerId, role: withdrawn.partnerRole, sourceEventId: envelope.id,
                                    trace: trace) {
                try await withdraw(withdrawn, sourceEventId: envelope.id, trace: trace, into: &out, &effect)
            }
            try observe(into: &out, &effect, FlowObserved(observing: withdrawn), envelope)
        case .escalationRaised:
            let escalation = try event.decode(EscalationRaised.self)
            if escalation.reason == .possibleDataBreach {
                try await recordBreach(escalation, envelope: envelope, into: &out)
            }
            try observe(into: &out, &effect, FlowObserved(observing: escalation), envelope)
        case .cooperationRecorded:
            let recorded = try event.decode(CooperationRecorded.self)
            try await record(recorded, envelope: envelope, into: &out, &effect)
            try observe(into: &out, &effect, FlowObserved(observing: recorded), envelope)
        case .escalationUpdated:
            try observe(into: &out, &effect, FlowObserved(observing: try event.decode(EscalationUpdated.self)), envelope)
        case .caseOpened, .taskStatusChanged, .caseClosed, .releaseDayRecorded, .caseHandedOver:
            let observation = try FlowObserved(observingCaseEvent: event)
            if let caseId = observation.caseId, envelope.type == .caseOpened || envelope.type == .caseClosed {
                effect.caseLives.append(CaseLife(subjectId: observation.subjectId, caseId: caseId,
                                                 closedAt: envelope.type == .caseClosed ? envelope.time : nil))
            }
            try observe(into: &out, &effect, observation, envelope)
        case .consentGiven:
            // The order in which statements arrive decides, never a time inside them: one
            // partition per person keeps a person's statements in the order intake took them.
            let consent = try event.decode(ConsentGiven.self)
            try await setConsent(subjectId: consent.subjectId, domain: consent.domain, given: true, consentId: consent.consentId)
            try await unpark(try await store.parked(subjectId: consent.subjectId, domain: consent.domain), envelope: envelope,
                             into: &out, &effect)
        case .consentWithdrawn:
            try await withdrawConsent(try event.decode(ConsentWithdrawn.self), envelope: envelope, into: &out, &effect)
        case .subjectErased:
            try await erase(try event.decode(SubjectErased.self), envelope: envelope, into: &out, &effect)
        default:
            throw PoisonEvent(reason: "unexpected-type", detail: "the filter does not handle \(envelope.type.rawValue)")
        }
        // Last, so an event that fails above leaves nothing behind: later events see its messages.
        pending.add(effect.remembered, stagedBy: envelope.id)
        return effect
    }

    /// Reads once what staging the batch's events would otherwise read one by one: which were
    /// handled before, and the consents of the people they concern.
    public func prepare(_ events: [ReceivedEvent]) async throws {
        // One policy version for the whole batch, whatever changes while it is decided.
        batchPolicies.pin(try await policyStore.loggedSet())
        snapshot.replace(with: nil)
        let subjects = events.compactMap(\.envelope.subject)
        snapshot.replace(with: try await store.snapshot(eventIds: events.map(\.envelope.id), subjects: subjects))
    }

    /// The policies of the batch being decided (the set in force outside a batch).
    var policies: PolicySet { batchPolicies.set ?? policyStore.current }

    private func isProcessed(_ eventId: String) async throws -> Bool {
        if let known = snapshot.isProcessed(eventId) { return known }
        return try await store.isProcessed(eventId)
    }

    /// Marks the batch's events handled, removes the tasks it disclosed from the parked ones
    /// and the updates it sent from the held ones, and remembers the messages it sent, in one
    /// transaction.
    public func finish(_ effects: [Effect]) async throws {
        let remembered = effects.flatMap(\.remembered)
        try await store.complete(processed: effects.map(\.eventId), unparked: effects.flatMap(\.unparked),
                                 remembered: remembered, releasedHeld: effects.flatMap(\.releasedHeld),
                                 scopes: effects.flatMap(\.scopes), caseLives: effects.flatMap(\.caseLives),
                                 erased: effects.flatMap(\.erased))
        // The API deleted the keys already; this is for an erasure it could not finish.
        for subjectId in effects.flatMap(\.erased) { try publisher.sealing?.keys.erase(subjectId: subjectId) }
        // Only now: until the store has them, staging finds them here.
        pending.remove(remembered.map(\.disclosureId))
        let disclosed = Dictionary(grouping: effects.flatMap(\.disclosed), by: { "\($0.partner) \($0.legalBasis)" })
        for disclosures in disclosed.values {
            guard let first = disclosures.first else { continue }
            HubMetrics.disclosures(partner: first.partner, legalBasis: first.legalBasis, count: disclosures.count)
        }
        let refused = Dictionary(grouping: effects.flatMap(\.refused), by: { "\($0.partner) \($0.reason)" })
        for refusals in refused.values {
            guard let first = refusals.first else { continue }
            HubMetrics.refusals(partner: first.partner, reason: first.reason, count: refusals.count)
        }
    }

    /// Applies the partner's policy: deny, wait for consent, or disclose. A task that is
    /// denied is reported to planning at once, one that waits after a grace period.
    private func offer(_ task: TaskAssigned, sourceEventId: String, trace: TraceParent,
                       into out: inout StagedRecords, _ effect: inout Effect) async throws -> DisclosureDecision {
        let metadata: Logger.Metadata = ["event.id": .string(sourceEventId), "partner.id": .string(task.partnerId),
                                         "partner.role": .string(task.partnerRole.rawValue),
                                         "task.type": .string(task.taskType.rawValue)]
        let policy = policies.policy(for: task)
        let refuse = { (reason: DisclosureLogged.RefusalReason, out: inout StagedRecords, effect: inout Effect) in
            self.refuse(reason, message: .taskOffered, policy: policy, subjectId: task.subjectId, partnerId: task.partnerId,
                        role: task.partnerRole, sourceEventId: sourceEventId, sourceEventType: .taskAssigned, trace: trace,
                        into: &out, &effect)
        }
        guard let policy, policy.allows(.taskOffered) else {
            logger.warning("disclosure denied: no policy allows it", metadata: metadata)
            refuse(policy == nil ? .noPolicy : .eventTypeNotAllowed, &out, &effect)
            try reportStatus(.undeliverable, reason: HubReason.noPolicy, of: task, sourceEventId: sourceEventId, trace: trace,
                             into: &out)
            return .denied
        }
        // Consent is given per basisvoorwaarde: a task about none cannot rest on it.
        guard !policy.needsConsent || task.domain != nil else {
            logger.warning("disclosure denied: a consent policy for a task without basisvoorwaarde", metadata: metadata)
            refuse(.noBasisvoorwaarde, &out, &effect)
            try reportStatus(.undeliverable, reason: HubReason.noPolicy, of: task, sourceEventId: sourceEventId, trace: trace,
                             into: &out)
            return .denied
        }
        if policy.needsConsent, let domain = task.domain {
            let consented = try await hasConsent(subjectId: task.subjectId, domain: domain)
            let cooperating = try await cooperates(subjectId: task.subjectId, caseId: task.caseId)
            if !consented || !cooperating {
                // Reported to planning by `reportLongWaits` once it waited past the grace period:
                // the consent of the same plan is often on its way on the consent topic.
                try await store.park(ParkedTask(sourceEventId: sourceEventId, task: task, traceparent: trace.description))
                refuse(consented ? .notCooperating : .noConsent, &out, &effect)
                logger.info(consented ? "disclosure waits for cooperation" : "disclosure waits for consent", metadata: metadata)
                return .awaitingConsent
            }
        }
        try await disclose(task, sourceEventId: sourceEventId, trace: trace, into: &out, &effect)
        return .disclosed
    }

    /// Stages the offer of a task whose policy allows it (checked by the caller).
    func disclose(_ task: TaskAssigned, sourceEventId: String, trace: TraceParent,
                  into out: inout StagedRecords, _ effect: inout Effect) async throws {
        guard let policy = policies.policy(for: task) else { return }
        let consentId = try await consentReference(policy, subjectId: task.subjectId, domain: task.domain)
        stage(PartnerDisclosure(offering: task, context(policy, sourceEventId: sourceEventId, trace: trace, consentId: consentId)),
              legalBasis: policy.legalBasis, into: &out, &effect)
    }

    /// The consent a message under `policy` rests on: the one standing for the task's
    /// basisvoorwaarde, when the policy's basis is consent.
    func consentReference(_ policy: PartnerPolicy, subjectId: String, domain: Domain?) async throws -> String? {
        guard policy.needsConsent, let domain else { return nil }
        return try await standingConsent(subjectId: subjectId, domain: domain)
    }

    /// Stages the log record of a message not sent (``DisclosureRefusal``), and counts it once written.
    func refuse(_ reason: DisclosureLogged.RefusalReason, message: EventType, policy: PartnerPolicy?, subjectId: String,
                partnerId: String, role: PartnerRole, sourceEventId: String, sourceEventType: EventType, trace: TraceParent,
                taskKey: String? = nil, into out: inout StagedRecords, _ effect: inout Effect) {
        let refusal = DisclosureRefusal(reason, message: message, policy: policy, policyVersion: policies.version,
                                        subjectId: subjectId, partnerId: partnerId, role: role, sourceEventId: sourceEventId,
                                        sourceEventType: sourceEventType, trace: trace, taskKey: taskKey,
                                        publisher: publisher, now: Date())
        out.writeFirst(topic: Topics.filterDisclosures) { try refusal.logRecord() }
        effect.refused.append((partnerId, reason.rawValue))
    }

    /// Stages a message's log record as an audit record and its partner record after it,
    /// and remembers it in the effect, to be counted and stored once written.
    func stage(_ disclosure: PartnerDisclosure, legalBasis: DisclosureLogged.LegalBasis,
               into out: inout StagedRecords, _ effect: inout Effect) {
        // Fail closed: the partner record is written only after every audit record was
        // acknowledged. Both are encoded when the batch is written, off the deciding path.
        out.writeFirst(topic: Topics.filterDisclosures) { try disclosure.logRecord() }
        out.write(topic: Topics.partnerTasks(disclosure.partnerId)) { try disclosure.partnerRecord() }
        logger.debug("partner message staged", metadata: [
            "event.id": .string(disclosure.logged.sourceEventId), "partner.id": .string(disclosure.partnerId),
            "message.type": .string(disclosure.message.eventType.rawValue),
            "processing.activity": .string(disclosure.logged.processingActivityId ?? ""),
            "disclosure.id": .string(disclosure.logged.disclosureId), "trace.id": .string(disclosure.logged.traceId),
        ])
        effect.disclosed.append((disclosure.partnerId, legalBasis.rawValue))
        effect.remembered.append(disclosure.memory)
    }

    /// The ids and trace a message derives from its source event, the policy version it is
    /// decided under and the consent it rests on.
    func context(_ policy: PartnerPolicy, sourceEventId: String, trace: TraceParent,
                 consentId: String? = nil) -> PartnerDisclosure.Context {
        PartnerDisclosure.Context(policy: policy, partnerIDs: partnerIDs, sourceEventId: sourceEventId, trace: trace,
                                  publisher: publisher, now: Date(), policyVersion: policies.version, consentId: consentId)
    }

    /// Stages monitoring's view of an event, as the rcn-monitoring policy lets it see it: its
    /// fields only, identifiers and trace under monitoring's own key (``MonitoringIdentifiers``),
    /// so nothing on the feed joins with a partner's records or the hub's; its disclosure-log
    /// record first, as for a partner. No policy: nothing.
    private func observe(into out: inout StagedRecords, _ effect: inout Effect, _ observation: FlowObserved,
                         _ envelope: EventEnvelope) throws {
        guard let policy = policies.monitoring else { return }
        var observation = observation
        observation.observationId = envelope.id
        observation.occurredAt = envelope.time
        let keys = MonitoringIdentifiers(partnerIDs: partnerIDs)
        let view = policy.view(of: observation, keys: keys)
        let (publisher, time) = (self.publisher, envelope.time)
        let trace = keys.trace(forObservationOf: envelope.id, sampled: envelope.traceparent.sampled)
        let internalTrace = envelope.traceparent.child()
        let disclosed = MonitoringPolicy.disclosure(of: view)
        let logged = DisclosureLogged(
            disclosureId: DeterministicID.string("monitoring-disclosure", envelope.id), traceId: envelope.traceparent.traceID,
            partnerTraceId: trace.traceID, spanId: internalTrace.spanID, processingActivityId: policy.processingActivityId,
            legalBasis: policy.legalBasis, policyVersion: policies.version, status: .disclosed, subjectId: observation.subjectId,
            receiverId: MonitoringPolicy.receiverId, receiverRole: .rcnMonitoring, sourceEventId: envelope.id,
            sourceEventType: envelope.type, disclosedEventType: .flowObserved, disclosedFields: disclosed.fields,
            transformations: disclosed.transformations, disclosedAt: Date())
        out.writeFirst(topic: Topics.filterDisclosures) { [logged] in
            try publisher.record(logged, topic: Topics.filterDisclosures, key: logged.subjectId, id: logged.disclosureId,
                                 subject: logged.subjectId, trace: internalTrace, time: time)
        }
        effect.disclosed.append((MonitoringPolicy.receiverId, policy.legalBasis.rawValue))
        out.write(topic: Topics.monitoringFeed) { [view] in
            try publisher.record(view, topic: Topics.monitoringFeed, key: view.subjectId, id: view.observationId,
                                 subject: view.subjectId, trace: trace, time: time)
        }
    }
}
