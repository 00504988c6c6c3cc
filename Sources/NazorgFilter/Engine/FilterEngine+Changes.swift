import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// Changes to tasks after their offer: a partner hears of a change or an end only when it
/// holds the task, and only as far as its policy allows.
extension FilterEngine {
    /// A revised task: the partner holding it gets a TaskUpdated with the view its policy
    /// allows, or, on consent while the person does not cooperate, the update is held until
    /// they do (``hold(_:sourceEventId:trace:metadata:)``); a task still waiting for consent
    /// is revised in place, so the offer made when consent comes carries its latest state;
    /// anyone else hears nothing.
    func revise(_ revision: TaskRevised, sourceEventId: String, trace: TraceParent,
                into out: inout StagedRecords, _ effect: inout Effect) async throws -> DisclosureDecision {
        let task = revision.task
        let metadata = metadata(sourceEventId, task.partnerId, task.partnerRole)
        let history = try await history(taskId: task.taskId, partnerId: task.partnerId)
        guard history.isOpen else {
            if !history.offered, let parked = try await store.parked(taskId: task.taskId, partnerId: task.partnerId) {
                var latest = task
                // A revision that names no measure keeps the one the task was assigned with.
                latest.measure = latest.measure ?? parked.task.measure
                try await store.revise(parked: parked.sourceEventId, to: latest)
                logger.info("revision kept for a task waiting for consent", metadata: metadata)
                return .awaitingConsent
            }
            logger.debug("revision of a task the partner does not hold; nothing to tell", metadata: metadata)
            return .notHeld
        }
        let refuse = { (reason: DisclosureLogged.RefusalReason, out: inout StagedRecords, effect: inout Effect) in
            self.refuse(reason, message: .taskUpdated, policy: self.policies.policy(for: task), subjectId: task.subjectId,
                        partnerId: task.partnerId, role: task.partnerRole, sourceEventId: sourceEventId,
                        sourceEventType: .taskRevised, trace: trace, into: &out, &effect)
        }
        switch try await updateGate(revision, metadata: metadata) {
        case .deny(let reason, let supersedesHeld):
            if supersedesHeld { try await dropHeld(taskId: task.taskId, partnerId: task.partnerId, metadata: metadata) }
            refuse(reason, &out, &effect)
            return .denied
        case .hold:
            try await hold(revision, sourceEventId: sourceEventId, trace: trace, metadata: metadata)
            refuse(.notCooperating, &out, &effect)
            return .awaitingConsent
        case .send(let policy, let consentId):
            // This update brings the partner up to date: one held before is not sent after it.
            if policy.needsConsent { try await dropHeld(taskId: task.taskId, partnerId: task.partnerId, metadata: metadata) }
            stage(.update(revision, context(policy, sourceEventId: sourceEventId, trace: trace, consentId: consentId)),
                  legalBasis: policy.legalBasis, into: &out, &effect)
            return .disclosed
        }
    }

    /// Whether an update of a task the partner holds may go now (revise and the release of a
    /// held update decide alike).
    enum UpdateGate {
        /// Sent under the policy, resting on the consent named when its basis is consent.
        case send(PartnerPolicy, consentId: String?)
        /// Consent stands but the person does not cooperate now: kept until they do.
        case hold
        /// Not sent, for the reason the log records; `supersedesHeld` when an update held
        /// before may not go either (consent no longer stands), so that it is never sent as
        /// if it were the latest.
        case deny(DisclosureLogged.RefusalReason, supersedesHeld: Bool)
    }

    func updateGate(_ revision: TaskRevised, metadata: Logger.Metadata) async throws -> UpdateGate {
        let task = revision.task
        guard let policy = policies.policy(for: task), policy.allows(.taskUpdated) else {
            logger.warning("update not sent: the policy does not list TaskUpdated", metadata: metadata)
            return .deny(policies.policy(for: task) == nil ? .noPolicy : .eventTypeNotAllowed, supersedesHeld: false)
        }
        // A transfer is detention detail: told only to a role that may know the prison.
        if revision.reason == .transferred && !policy.fields.contains(.prisonCode) {
            logger.debug("transfer not told: the policy does not give the prison", metadata: metadata)
            return .deny(.fieldNotAllowed, supersedesHeld: false)
        }
        // An update carries the person's data again: on consent only while it stands, and
        // only while the person cooperates.
        guard policy.needsConsent else { return .send(policy, consentId: nil) }
        guard let domain = task.domain,
              let consentId = try await standingConsent(subjectId: task.subjectId, domain: domain) else {
            logger.info("update not sent: consent no longer stands", metadata: metadata)
            return .deny(.noConsent, supersedesHeld: true)
        }
        guard try await cooperates(subjectId: task.subjectId, caseId: task.caseId) else { return .hold }
        return .send(policy, consentId: consentId)
    }

    /// A withdrawn task: the partner holding it gets a TaskCancelled, or a data-free
    /// TaskRetracted when it must delete what it received; a task still waiting for consent
    /// is dropped and never disclosed; a partner that never received it hears nothing.
    func withdraw(_ withdrawn: TaskWithdrawn, sourceEventId: String, trace: TraceParent,
                  into out: inout StagedRecords, _ effect: inout Effect) async throws -> DisclosureDecision {
        let metadata = metadata(sourceEventId, withdrawn.partnerId, withdrawn.partnerRole)
        let history = try await history(taskId: withdrawn.taskId, partnerId: withdrawn.partnerId)
        // An update held for the person's cooperation is of no use once the task ends.
        try await dropHeld(taskId: withdrawn.taskId, partnerId: withdrawn.partnerId, metadata: metadata)
        if !history.offered {
            if let parked = try await store.parked(taskId: withdrawn.taskId, partnerId: withdrawn.partnerId) {
                // Safe at once: nothing about it was staged, so a replay finds nothing to undo.
                try await store.drop(parked: parked.sourceEventId)
                logger.info("withdrawn task dropped before it was disclosed", metadata: metadata)
            }
            return .notHeld
        }
        // Told once; a deletion request may still follow a cancellation.
        guard withdrawn.asksDeletion ? !history.retracted : history.isOpen else { return .notHeld }
        let type: EventType = withdrawn.asksDeletion ? .taskRetracted : .taskCancelled
        let policy = policies.policy(for: withdrawn.partnerRole, taskType: withdrawn.taskType)
        guard let policy, policy.allows(type) else {
            logger.warning("withdrawal not sent: the policy does not list it", metadata: metadata.merging(
                ["message.type": .string(type.rawValue)], uniquingKeysWith: { $1 }))
            refuse(policy == nil ? .noPolicy : .eventTypeNotAllowed, message: type, policy: policy,
                   subjectId: withdrawn.subjectId, partnerId: withdrawn.partnerId, role: withdrawn.partnerRole,
                   sourceEventId: sourceEventId, sourceEventType: .taskWithdrawn, trace: trace, into: &out, &effect)
            return .denied
        }
        let consentId = try await consentReference(policy, subjectId: withdrawn.subjectId, domain: withdrawn.domain)
        stage(.withdrawal(withdrawn, context(policy, sourceEventId: sourceEventId, trace: trace, consentId: consentId)),
              legalBasis: policy.legalBasis, into: &out, &effect)
        return .disclosed
    }

    /// A possible data breach (a notice about the wrong person was withdrawn): the
    /// coordinator gets, on the disclosure log, every disclosure of data made about the case,
    /// whether its task was retracted, and until when the breach may be reported.
    func recordBreach(_ escalation: EscalationRaised, envelope: EventEnvelope, into out: inout StagedRecords) async throws {
        let memories = try await disclosures(caseId: escalation.caseId)
        let retracted = Set(memories.filter { $0.kind == .taskRetracted }.map { [$0.taskId, $0.partnerId] })
        let listed = memories.filter(\.carriesData)
            .sorted { ($0.disclosedAt, $0.disclosureId) < ($1.disclosedAt, $1.disclosureId) }
            .map { m in
                BreachRecorded.Disclosure(disclosureId: m.disclosureId, receiverId: m.partnerId, receiverRole: m.role,
                                          sourceEventType: m.sourceEventType, disclosedFields: m.disclosedFields,
                                          disclosedAt: m.disclosedAt,
                                          retracted: m.retracted || retracted.contains([m.taskId, m.partnerId]))
            }
        // Art. 33 AVG: 72 hours after becoming aware, unless planning set the term itself.
        let breach = BreachRecorded(breachId: DeterministicID.string("breach", envelope.id), caseId: escalation.caseId,
                                    subjectId: escalation.subjectId, escalationId: escalation.escalationId,
                                    detectedAt: escalation.raisedAt,
                                    reportBefore: escalation.dueAt ?? escalation.raisedAt.addingTimeInterval(72 * 3600),
                                    disclosures: listed)
        let (publisher, trace, time) = (self.publisher, envelope.traceparent.child(), envelope.time)
        out.writeFirst(topic: Topics.filterDisclosures) {
            try publisher.record(breach, topic: Topics.filterDisclosures, key: breach.subjectId, id: breach.breachId,
                                 subject: breach.subjectId, trace: trace, time: time)
        }
        logger.warning("possible data breach recorded for the coordinator", metadata: [
            "event.id": .string(envelope.id), "breach.id": .string(breach.breachId),
            "disclosure.count": "\(listed.count)",
        ])
    }

    /// What was sent to the partner about the task: staged messages first, then the store,
    /// so a message being moved from one to the other is never missed.
    func history(taskId: String, partnerId: String) async throws -> TaskHistory {
        let staged = pending.memories(taskId: taskId, partnerId: partnerId)
        return TaskHistory(staged + (try await store.disclosures(taskId: taskId, partnerId: partnerId)))
    }

    /// Every message sent about the case, staged or stored, once each.
    func disclosures(caseId: UUID) async throws -> [DisclosureMemory] {
        let staged = pending.memories(caseId: caseId)
        var byId: [String: DisclosureMemory] = [:]
        for memory in try await store.disclosures(caseId: caseId) + staged {
            var merged = memory
            merged.retracted = memory.retracted || byId[memory.disclosureId]?.retracted == true
            byId[memory.disclosureId] = merged
        }
        return Array(byId.values)
    }

    func metadata(_ sourceEventId: String, _ partnerId: String, _ role: PartnerRole) -> Logger.Metadata {
        ["event.id": .string(sourceEventId), "partner.id": .string(partnerId), "partner.role": .string(role.rawValue)]
    }
}
