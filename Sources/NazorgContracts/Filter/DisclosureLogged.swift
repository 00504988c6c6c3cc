import Foundation

/// A Logboek Dataverwerkingen record. The filter writes it, and waits for the broker's acknowledgement, before every disclosure (fail closed).
public struct DisclosureLogged: EventPayload, SubjectKeyed {
    public static let eventType = EventType.disclosureLogged

    public enum LegalBasis: String, Sendable, Hashable, Codable, CaseIterable {
        case consent
        case publicTask = "public-task"
        case statutory18aPbw = "statutory-18a-pbw"
        case statistics
    }

    public var disclosureId: String
    /// W3C trace id of the hub's internal trace, 32 lowercase hex digits.
    public var traceId: String
    /// The fresh trace id the partner received; the link to ``traceId`` lives only here.
    public var partnerTraceId: String?
    /// Processing activity in the art. 30 AVG register.
    public var processingActivityId: String
    public var legalBasis: LegalBasis
    public var subjectId: String
    /// The receiving partnerId.
    public var receiverId: String
    public var receiverRole: PartnerRole
    /// The ce_id of the event that caused the disclosure.
    public var sourceEventId: String
    public var sourceEventType: EventType
    /// What the partner received: TaskOffered, TaskUpdated, TaskCancelled or TaskRetracted.
    public var disclosedEventType: EventType?
    /// Disclosed field names, dotted for nested ones, e.g. `subject.bsn`.
    public var disclosedFields: [String]
    public var disclosedAt: Date

    public init(
        disclosureId: String,
        traceId: String,
        partnerTraceId: String? = nil,
        processingActivityId: String,
        legalBasis: LegalBasis,
        subjectId: String,
        receiverId: String,
        receiverRole: PartnerRole,
        sourceEventId: String,
        sourceEventType: EventType,
        disclosedEventType: EventType? = nil,
        disclosedFields: [String],
        disclosedAt: Date
    ) {
        self.disclosureId = disclosureId
        self.traceId = traceId
        self.partnerTraceId = partnerTraceId
        self.processingActivityId = processingActivityId
        self.legalBasis = legalBasis
        self.subjectId = subjectId
        self.receiverId = receiverId
        self.receiverRole = receiverRole
        self.sourceEventId = sourceEventId
        self.sourceEventType = sourceEventType
        self.disclosedEventType = disclosedEventType
        self.disclosedFields = disclosedFields
        self.disclosedAt = disclosedAt
    }
}
