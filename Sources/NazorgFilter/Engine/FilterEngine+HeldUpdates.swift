import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// Updates held while the person does not cooperate. Dropping them would leave a
/// consent-based partner with a task whose deadline and details went stale; sending them
/// would disclose while the person withholds cooperation. So the latest revision per task and
/// partner waits in the store and becomes the TaskUpdated it would have been, under the same
/// ids, once cooperation is recorded again.
extension FilterEngine {
    /// Keeps the revision, replacing one held before for the task and partner. At once, like
    /// parking: a replay holds the same revision again.
    func hold(_ revision: TaskRevised, sourceEventId: String, trace: TraceParent, metadata: Logger.Metadata) async throws {
        try await store.hold(HeldUpdate(sourceEventId: sourceEventId, revision: revision, traceparent: trace.description))
        logger.info("update held until the person cooperates again", metadata: metadata)
    }

    /// Drops what is held for the task and partner. At once: what makes it useless (an end of
    /// the task, a later update, consent that no longer stands) is decided by the event staged
    /// now, which a replay decides again.
    func dropHeld(taskId: String, partnerId: String, metadata: Logger.Metadata) async throws {
        guard let held = try await store.heldUpdate(taskId: taskId, partnerId: partnerId) else { return }
        try await store.drop(held: held.key)
        logger.info("held update dropped", metadata: metadata.merging(
            ["held.event.id": .string(held.sourceEventId)], uniquingKeysWith: { $1 }))
    }

    /// Sends the updates held in the person's case, now that they cooperate, by the path of
    /// any update: only to a partner that still holds the task, only if its policy still
    /// lists TaskUpdated and consent stands, its log record first. One that may not go is
    /// dropped; one that goes stays held until its batch is finished, so a crash sends it
    /// again under the same ids.
    func sendHeldUpdates(subjectId: String, caseId: UUID, envelope: EventEnvelope, into out: inout StagedRecords,
                         _ effect: inout Effect) async throws {
        for held in try await store.heldUpdates(subjectId: subjectId, caseId: caseId) {
            let revision = held.revision
            // Sent already by an earlier event of this batch (its row goes when the batch is finished).
            let disclosureId = DeterministicID.string("disclosure", held.sourceEventId, revision.partnerId)
            guard !pending.memories(taskId: revision.taskId, partnerId: revision.partnerId)
                .contains(where: { $0.disclosureId == disclosureId }) else { continue }
            let trace = TraceParent(held.traceparent) ?? envelope.traceparent
            let metadata = metadata(held.sourceEventId, revision.partnerId, revision.partnerRole)
            try await traceDecision(partnerId: revision.partnerId, role: revision.partnerRole,
                                    sourceEventId: held.sourceEventId, trace: trace) {
                let history = try await history(taskId: revision.taskId, partnerId: revision.partnerId)
                guard history.isOpen else {
                    try await store.drop(held: held.key)
                    logger.info("held update dropped: the partner no longer holds the task", metadata: metadata)
                    return .notHeld
                }
                switch try await updateGate(revision, metadata: metadata) {
                case .send(let policy, let consentId):
                    stage(.update(revision, context(policy, sourceEventId: held.sourceEventId, trace: trace,
                                                    consentId: consentId)),
                          legalBasis: policy.legalBasis, into: &out, &effect)
                    effect.releasedHeld.append(held.key)
                    logger.info("held update sent", metadata: metadata)
                    return .disclosed
                case .hold:
                    return .awaitingConsent
                case .deny:
                    try await store.drop(held: held.key)
                    logger.info("held update dropped: it may no longer be sent", metadata: metadata)
                    return .denied
                }
            }
        }
    }
}
