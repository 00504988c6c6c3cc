import Foundation

/// An earlier notice is withdrawn.
public struct NoticeWithdrawn: EventPayload, SubjectKeyed {
    public static let eventType = EventType.noticeWithdrawn

    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case enteredInError = "entered-in-error"
        case duplicate
        case other
    }

    /// Id chosen by the PI desk; intake deduplicates on it.
    public var noticeId: String
    /// Keyed pseudonym of the person; the Kafka key.
    public var subjectId: String
    /// CBS code of the municipality of return, `GM` plus four digits.
    public var municipality: String
    /// Code of the PI.
    public var prisonCode: String
    public var person: Person
    public var reportedAt: Date
    public var withdrawnNoticeId: String
    public var reason: Reason

    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        withdrawnNoticeId: String,
        reason: Reason
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.withdrawnNoticeId = withdrawnNoticeId
        self.reason = reason
    }
}
