import Foundation

/// A possible data breach for the coordinator: a notice about the wrong person was
/// withdrawn, and this lists, from the disclosure log, who received what about the case and
/// when. The coordinator decides before ``reportBefore`` (72 hours, art. 33 AVG) whether to
/// report it to the Autoriteit Persoonsgegevens.
public struct BreachRecorded: EventPayload, SubjectKeyed {
    public static let eventType = EventType.breachRecorded

    /// One disclosure of the case's data.
    public struct Disclosure: Sendable, Hashable, Codable {
        public var disclosureId: String
        public var receiverId: String
        public var receiverRole: PartnerRole
        public var sourceEventType: EventType
        public var disclosedFields: [String]
        public var disclosedAt: Date
        /// A retraction asking deletion was sent for the task.
        public var retracted: Bool

        public init(disclosureId: String, receiverId: String, receiverRole: PartnerRole, sourceEventType: EventType,
                    disclosedFields: [String], disclosedAt: Date, retracted: Bool) {
            self.disclosureId = disclosureId
            self.receiverId = receiverId
            self.receiverRole = receiverRole
            self.sourceEventType = sourceEventType
            self.disclosedFields = disclosedFields
            self.disclosedAt = disclosedAt
            self.retracted = retracted
        }
    }

    public var breachId: String
    public var caseId: UUID
    public var subjectId: String
    /// The escalation that asked for the record.
    public var escalationId: String
    public var detectedAt: Date
    public var reportBefore: Date
    /// Oldest first; empty when nothing reached a partner.
    public var disclosures: [Disclosure]

    public init(breachId: String, caseId: UUID, subjectId: String, escalationId: String, detectedAt: Date,
                reportBefore: Date, disclosures: [Disclosure]) {
        self.breachId = breachId
        self.caseId = caseId
        self.subjectId = subjectId
        self.escalationId = escalationId
        self.detectedAt = detectedAt
        self.reportBefore = reportBefore
        self.disclosures = disclosures
    }
}
