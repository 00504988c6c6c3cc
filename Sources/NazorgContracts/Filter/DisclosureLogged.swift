import Foundation

/// A Logboek Dataverwerkingen record of one decision about one message to a partner: a
/// disclosure, a retraction or a refusal. The filter writes it, and waits for the broker's
/// acknowledgement, before the partner record (fail closed); a refusal has no partner record.
public struct DisclosureLogged: EventPayload, SubjectKeyed {
    public static let eventType = EventType.disclosureLogged

    /// What became of the message.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// The partner received data about the task (an offer, an update, a cancellation).
        case disclosed
        /// The partner was asked to delete what it received about the task (TaskRetracted).
        case retracted
        /// The message was not sent (``RefusalReason``); nothing reached the partner.
        case refused
    }

    /// Why a message was not sent.
    public enum RefusalReason: String, Sendable, Hashable, Codable, CaseIterable {
        /// No policy covers the role and task type.
        case noPolicy = "no-policy"
        /// The role's policy does not list the message type.
        case eventTypeNotAllowed = "event-type-not-allowed"
        /// A consent-based policy for a task about no basisvoorwaarde: consent is given per basisvoorwaarde.
        case noBasisvoorwaarde = "no-basisvoorwaarde"
        /// The person's consent for the basisvoorwaarde does not stand (yet); an offer waits for it.
        case noConsent = "no-consent"
        /// The coordinator recorded that the person does not cooperate; an offer or update waits.
        case notCooperating = "not-cooperating"
        /// The message would tell what the policy withholds (a transfer to a role that may not know the prison).
        case fieldNotAllowed = "field-not-allowed"
    }

    /// How a field reached the partner, where not as it is in the hub.
    public enum Transformation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Replaced by a keyed pseudonym of this partner's own.
        case pseudonymise
        /// A date given by its week or month only.
        case generaliseWeek = "generalise-week"
        case generaliseMonth = "generalise-month"
        case generaliseYear = "generalise-year"
        /// A part of a disclosed field kept back (a member of a basisvoorwaarde's content).
        case drop
    }

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
    /// Span of the decision within ``traceId``.
    public var spanId: String?
    /// Processing activity in the art. 30 AVG register; absent only on a refusal no policy covers.
    public var processingActivityId: String?
    /// Absent only on a refusal no policy covers.
    public var legalBasis: LegalBasis?
    /// The consent the disclosure rests on (its consentId), when the legal basis is consent;
    /// on a retraction after a withdrawal, the withdrawal's.
    public var consentId: String?
    /// The version of the policy set the decision was taken under (``PolicySet``'s hash).
    public var policyVersion: String?
    /// Absent in records from before status was logged: read as ``effectiveStatus`` says.
    public var status: Status?
    /// Set when ``status`` is refused.
    public var refusalReason: RefusalReason?
    public var subjectId: String
    /// The receiving partnerId.
    public var receiverId: String
    public var receiverRole: PartnerRole
    /// The ce_id of the event that caused the disclosure.
    public var sourceEventId: String
    public var sourceEventType: EventType
    /// What the partner received (for a refusal: would have received): TaskOffered,
    /// TaskUpdated, TaskCancelled or TaskRetracted.
    public var disclosedEventType: EventType?
    /// Disclosed field names, dotted for nested ones, e.g. `subject.bsn`; empty on a refusal.
    public var disclosedFields: [String]
    /// The disclosed fields that were transformed on the way, and how; a field not named
    /// here went as the hub holds it.
    public var transformations: [String: Transformation]?
    /// When the decision was taken.
    public var disclosedAt: Date

    public init(
        disclosureId: String,
        traceId: String,
        partnerTraceId: String? = nil,
        spanId: String? = nil,
        processingActivityId: String?,
        legalBasis: LegalBasis?,
        consentId: String? = nil,
        policyVersion: String? = nil,
        status: Status? = .disclosed,
        refusalReason: RefusalReason? = nil,
        subjectId: String,
        receiverId: String,
        receiverRole: PartnerRole,
        sourceEventId: String,
        sourceEventType: EventType,
        disclosedEventType: EventType? = nil,
        disclosedFields: [String],
        transformations: [String: Transformation]? = nil,
        disclosedAt: Date
    ) {
        self.disclosureId = disclosureId
        self.traceId = traceId
        self.partnerTraceId = partnerTraceId
        self.spanId = spanId
        self.processingActivityId = processingActivityId
        self.legalBasis = legalBasis
        self.consentId = consentId
        self.policyVersion = policyVersion
        self.status = status
        self.refusalReason = refusalReason
        self.subjectId = subjectId
        self.receiverId = receiverId
        self.receiverRole = receiverRole
        self.sourceEventId = sourceEventId
        self.sourceEventType = sourceEventType
        self.disclosedEventType = disclosedEventType
        self.disclosedFields = disclosedFields
        self.transformations = transformations
        self.disclosedAt = disclosedAt
    }

    /// The status, also of a record from before it was logged: those were written only for
    /// messages sent, a TaskRetracted being a retraction.
    public var effectiveStatus: Status {
        status ?? (disclosedEventType == .taskRetracted ? .retracted : .disclosed)
    }

    /// Whether the partner received the message (a disclosure or a retraction).
    public var reachedPartner: Bool { effectiveStatus != .refused }
}
