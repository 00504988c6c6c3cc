import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// What a consent-based partner may receive depends on two states the filter keeps: the
/// person's consent per basisvoorwaarde, and the person's cooperation in the case as the
/// coordinator recorded it. Both are decided by the order in which they arrive (one
/// partition per person on each topic), never by a time inside them. A task waits while
/// either is missing and is offered when both stand.
extension FilterEngine {
    func hasConsent(subjectId: String, domain: Domain) async throws -> Bool {
        try await standingConsent(subjectId: subjectId, domain: domain) != nil
    }

    /// The consentId of the consent that stands, which the disclosure log names; nil when none does.
    func standingConsent(subjectId: String, domain: Domain) async throws -> String? {
        if let known = snapshot.standingConsent(subjectId: subjectId, domain: domain) { return known }
        return try await store.standingConsent(subjectId: subjectId, domain: domain)
    }

    func setConsent(subjectId: String, domain: Domain, given: Bool, consentId: String) async throws {
        try await store.setConsent(subjectId: subjectId, domain: domain, given: given, consentId: consentId)
        snapshot.setConsent(subjectId: subjectId, domain: domain, given: given, consentId: consentId)
    }

    /// Whether the person cooperates in the case; true until the coordinator records that
    /// they decline aftercare or cannot be reached.
    func cooperates(subjectId: String, caseId: UUID) async throws -> Bool {
        if let known = snapshot.cooperates(subjectId: subjectId, caseId: caseId) { return known }
        return try await store.cooperates(subjectId: subjectId, caseId: caseId)
    }

    /// Records the person's cooperation. Withheld (declines aftercare, unreachable), it
    /// stops new offers and updates to consent-based partners; recorded again, the tasks
    /// that waited for it are offered where consent stands, and then the updates held for it
    /// are sent (``sendHeldUpdates(subjectId:caseId:envelope:into:_:)``). Cancellations and
    /// retractions are not affected, nor are partners on a public task or a statutory basis.
    func record(_ recorded: CooperationRecorded, envelope: EventEnvelope, into out: inout StagedRecords,
                _ effect: inout Effect) async throws {
        let cooperating = recorded.allowsConsentBasedDisclosure
        try await store.setCooperation(subjectId: recorded.subjectId, caseId: recorded.caseId,
                                       cooperation: recorded.cooperation, eventId: envelope.id)
        snapshot.setCooperation(subjectId: recorded.subjectId, caseId: recorded.caseId, cooperates: cooperating)
        logger.info(cooperating ? "cooperation recorded; waiting tasks may be offered"
                                : "cooperation withheld; consent-based partners receive nothing new", metadata: [
            "event.id": .string(envelope.id), "cooperation": .string(recorded.cooperation.rawValue),
        ])
        guard cooperating else { return }
        try await unpark(try await store.parked(subjectId: recorded.subjectId, caseId: recorded.caseId), envelope: envelope,
                         into: &out, &effect)
        try await sendHeldUpdates(subjectId: recorded.subjectId, caseId: recorded.caseId, envelope: envelope,
                                  into: &out, &effect)
    }

    /// Offers every task among `waiting` whose consent and cooperation now both stand, and
    /// tells planning the wait is over for those it had heard were waiting.
    func unpark(_ waiting: [ParkedTask], envelope: EventEnvelope, into out: inout StagedRecords,
                _ effect: inout Effect) async throws {
        for parked in waiting {
            let task = parked.task
            guard let domain = task.domain, try await hasConsent(subjectId: task.subjectId, domain: domain),
                  try await cooperates(subjectId: task.subjectId, caseId: task.caseId) else { continue }
            // Offered already by an earlier event of this batch (its row goes when the batch is finished).
            let offerId = DeterministicID.string("disclosure", parked.sourceEventId, task.partnerId)
            guard !pending.memories(taskId: task.taskId, partnerId: task.partnerId).contains(where: { $0.disclosureId == offerId })
            else { continue }
            let trace = TraceParent(parked.traceparent) ?? envelope.traceparent
            try await traceDecision(partnerId: task.partnerId, role: task.partnerRole, sourceEventId: parked.sourceEventId,
                                    trace: trace) {
                try await disclose(task, sourceEventId: parked.sourceEventId, trace: trace, into: &out, &effect)
                return .disclosed
            }
            // Planning heard the task was waiting: tell it the wait is over. Released now, so
            // the reporter leaves it alone; it stays parked until its records are written, so
            // a replay discloses it again.
            if try await store.release(parked.sourceEventId) {
                try reportStatus(.offered, reason: nil, of: task, sourceEventId: parked.sourceEventId, trace: trace, into: &out)
            }
            effect.unparked.append(parked.sourceEventId)
        }
    }
}
