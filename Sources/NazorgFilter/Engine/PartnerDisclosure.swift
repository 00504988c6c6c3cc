import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// One disclosure of a task to a partner, as the two records the filter writes: the
/// disclosure-log record (first) and the partner record.
///
/// Everything in the partner record comes from the policy: the allowed fields, the deadline
/// as exact as allowed, and identifiers keyed for this partner (record key, subject
/// pseudonym, trace). Nothing in it can be joined with another partner's records; the link
/// to the hub's own ids lives only in the disclosure log.
struct PartnerDisclosure: Sendable {
    let task: TaskAssigned
    let offered: TaskOffered
    let logged: DisclosureLogged
    /// The trace inside the hub (disclosure log) and the one the partner receives.
    let internalTrace: TraceParent
    let partnerTrace: TraceParent
    let partnerSubjectId: String
    let publisher: EventPublisher
    let now: Date

    init(task: TaskAssigned, policy: PartnerPolicy, partnerIDs: PartnerPseudonymizer, sourceEventId: String,
         trace: TraceParent, publisher: EventPublisher, now: Date) {
        let partnerSubjectId = partnerIDs.subject(task.subjectId, for: task.partnerId)
        let partnerTrace = partnerIDs.trace(forDisclosureOf: sourceEventId, to: task.partnerId, sampled: trace.sampled)
        let subject = policy.subject(of: task, partnerSubjectId: partnerSubjectId)
        let deadline = policy.deadline.map { task.deadline.coarsened(to: $0) }
        offered = TaskOffered(offerId: DeterministicID.string("offer", sourceEventId, task.partnerId),
                              taskId: task.taskId, partnerId: task.partnerId, domain: task.domain,
                              deadline: deadline, deadlinePrecision: deadline == nil ? nil : policy.deadline,
                              processingActivityId: policy.processingActivityId, subject: subject)
        let deadlineField = deadline == nil ? [] : ["deadline", "deadlinePrecision"]
        logged = DisclosureLogged(disclosureId: DeterministicID.string("disclosure", sourceEventId, task.partnerId),
                                  traceId: trace.traceID, partnerTraceId: partnerTrace.traceID,
                                  processingActivityId: policy.processingActivityId, legalBasis: policy.legalBasis,
                                  subjectId: task.subjectId, receiverId: task.partnerId, receiverRole: task.partnerRole,
                                  sourceEventId: sourceEventId, sourceEventType: .taskAssigned,
                                  disclosedFields: ["taskId", "domain"] + deadlineField + subject.presentFieldNames,
                                  disclosedAt: now)
        self.task = task
        self.internalTrace = trace.child()
        self.partnerTrace = partnerTrace
        self.partnerSubjectId = partnerSubjectId
        self.publisher = publisher
        self.now = now
    }

    /// The disclosure-log record, keyed by the hub-wide pseudonym like every internal record.
    func logRecord() throws -> ProducerRecord {
        try publisher.record(logged, topic: Topics.filterDisclosures, key: task.subjectId, id: logged.disclosureId,
                             subject: task.subjectId, trace: internalTrace, time: now)
    }

    /// The partner record: keyed by the per-partner pseudonym (which keeps one person's
    /// offers in order), without `ce_subject` and with the partner's own trace.
    func partnerRecord() throws -> ProducerRecord {
        try publisher.record(offered, topic: Topics.partnerTasks(task.partnerId), key: partnerSubjectId, id: offered.offerId,
                             subject: nil, trace: partnerTrace, time: now)
    }
}
