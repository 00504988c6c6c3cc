import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// A message to a partner that the filter did not send, as its disclosure-log record: the
/// partner, the message it would have received and why not, under which policy version, and
/// no field of the person. The log thus shows every decision about a partner, not only the
/// ones that reached it. A task that waits (for consent, for cooperation) is refused now and
/// disclosed later under a record of its own.
struct DisclosureRefusal: Sendable {
    let logged: DisclosureLogged
    let internalTrace: TraceParent
    let publisher: EventPublisher

    /// - Parameters:
    ///   - policy: the role's policy, if it has one: its processing activity and legal basis are named.
    ///   - taskKey: set when one source event decides about several tasks of one partner.
    init(_ reason: DisclosureLogged.RefusalReason, message: EventType, policy: PartnerPolicy?, policyVersion: String,
         subjectId: String, partnerId: String, role: PartnerRole, sourceEventId: String, sourceEventType: EventType,
         trace: TraceParent, taskKey: String? = nil, publisher: EventPublisher, now: Date) {
        internalTrace = trace.child()
        let id = taskKey.map { DeterministicID.string("refusal", sourceEventId, partnerId, $0) }
            ?? DeterministicID.string("refusal", sourceEventId, partnerId)
        logged = DisclosureLogged(disclosureId: id, traceId: trace.traceID, spanId: internalTrace.spanID,
                                  processingActivityId: policy?.processingActivityId, legalBasis: policy?.legalBasis,
                                  policyVersion: policyVersion, status: .refused, refusalReason: reason,
                                  subjectId: subjectId, receiverId: partnerId, receiverRole: role,
                                  sourceEventId: sourceEventId, sourceEventType: sourceEventType,
                                  disclosedEventType: message, disclosedFields: [], disclosedAt: now)
        self.publisher = publisher
    }

    /// The log record, keyed by the hub-wide pseudonym like every internal record.
    func logRecord() throws -> ProducerRecord {
        try publisher.record(logged, topic: Topics.filterDisclosures, key: logged.subjectId, id: logged.disclosureId,
                             subject: logged.subjectId, trace: internalTrace, time: logged.disclosedAt)
    }
}
