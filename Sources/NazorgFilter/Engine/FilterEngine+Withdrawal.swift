import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// A withdrawal of consent (art. 7(3) AVG) ends what rested on it. Every record the filter
/// handles after it finds the consent gone, so nothing new goes to a consent-based partner
/// (``FilterEngine/hasConsent(subjectId:domain:)``); and every task such a partner received
/// about the person for that basisvoorwaarde, open, cancelled or done, gets a data-free
/// TaskRetracted asking it to delete what it received. Planning hears, per task the partner
/// still held, that it was stopped (`undeliverable`, reason `consent-withdrawn`).
extension FilterEngine {
    func withdrawConsent(_ withdrawal: ConsentWithdrawn, envelope: EventEnvelope, into out: inout StagedRecords,
                         _ effect: inout Effect) async throws {
        try await setConsent(subjectId: withdrawal.subjectId, domain: withdrawal.domain, given: false,
                             consentId: withdrawal.consentId)
        let retracted = try await retract(subjectId: withdrawal.subjectId, domain: withdrawal.domain,
                                          consentId: withdrawal.consentId, reason: HubReason.consentWithdrawn,
                                          envelope: envelope, into: &out, &effect) { restedOnConsent($0) }
        logger.info("consent withdrawn; further disclosures stop", metadata: [
            "event.id": .string(envelope.id), "consent.domain": .string(withdrawal.domain.rawValue),
            "retraction.count": "\(retracted)",
        ])
    }

    /// Stages a retraction per task a partner received about the person (of `domain`, or of
    /// any basisvoorwaarde) that `applies` and is not retracted yet, and reports each task the
    /// partner still held to planning as stopped for `reason` (nil: not reported); returns how many. Messages
    /// staged earlier in this batch count too, so an offer in the same batch is retracted as well.
    func retract(subjectId: String, domain: Domain?, consentId: String?, reason: String?, envelope: EventEnvelope,
                 into out: inout StagedRecords, _ effect: inout Effect,
                 where applies: (DisclosureMemory) -> Bool) async throws -> Int {
        let staged = pending.memories(subjectId: subjectId, domain: domain)
        let stored = if let domain { try await store.disclosures(subjectId: subjectId, domain: domain) }
            else { try await store.disclosures(subjectId: subjectId) }
        var unique: [String: DisclosureMemory] = [:]
        for memory in stored + staged { unique[memory.disclosureId] = memory }
        let perTask = Dictionary(grouping: unique.values, by: { TaskPartner(taskId: $0.taskId, partnerId: $0.partnerId) })
        // In the order the tasks were first offered, so a replay stages the same records in the same order.
        let ordered = perTask.compactMap { key, memories -> (TaskPartner, DisclosureMemory, TaskHistory)? in
            guard let offer = memories.filter({ $0.kind == .taskOffered }).min(by: { $0.disclosedAt < $1.disclosedAt })
            else { return nil }
            return (key, offer, TaskHistory(memories))
        }.sorted { ($0.1.disclosedAt, $0.0.taskId, $0.0.partnerId) < ($1.1.disclosedAt, $1.0.taskId, $1.0.partnerId) }
        var count = 0
        for (key, offer, history) in ordered where !history.retracted && applies(offer) {
            let metadata = metadata(envelope.id, key.partnerId, offer.role)
            let policy = policies.policy(for: offer.role)
            guard let policy, policy.allows(.taskRetracted) else {
                // Start-up refuses a policy offered tasks without TaskRetracted; a role whose
                // policy was removed since is the one way here.
                logger.error("retraction not sent: no policy lists TaskRetracted", metadata: metadata)
                refuse(policy == nil ? .noPolicy : .eventTypeNotAllowed, message: .taskRetracted, policy: policy,
                       subjectId: subjectId, partnerId: key.partnerId, role: offer.role,
                       sourceEventId: envelope.id, sourceEventType: envelope.type, trace: envelope.traceparent,
                       taskKey: key.taskId, into: &out, &effect)
                continue
            }
            try await dropHeld(taskId: key.taskId, partnerId: key.partnerId, metadata: metadata)
            // The partner's trace of a retraction derives from its cause and the task.
            try await traceDecision(partnerId: key.partnerId, role: offer.role, sourceEventId: "\(envelope.id)/\(key.taskId)",
                                    trace: envelope.traceparent) {
                stage(.retraction(of: offer, causedBy: envelope.type,
                                  context(policy, sourceEventId: envelope.id, trace: envelope.traceparent,
                                          consentId: consentId)),
                      legalBasis: policy.legalBasis, into: &out, &effect)
                return .disclosed
            }
            if history.isOpen, let reason {
                try reportStatus(.undeliverable, reason: reason, taskId: key.taskId,
                                 partnerId: key.partnerId, domain: offer.domain,
                                 id: EventPublisher.hubStatusID(causedBy: DeterministicID.string(envelope.id, key.taskId),
                                                                .undeliverable),
                                 trace: envelope.traceparent, into: &out)
            }
            count += 1
        }
        return count
    }

    /// Whether the partner received the task on consent: as its log record says, or, for a
    /// message stored before the filter kept the legal basis, as the role's policy says now.
    private func restedOnConsent(_ offer: DisclosureMemory) -> Bool {
        if let basis = offer.legalBasis { return basis == .consent }
        return policies.policy(for: offer.role)?.needsConsent == true
    }
}

/// One task as one partner holds it.
struct TaskPartner: Hashable {
    var taskId: String
    var partnerId: String
}
