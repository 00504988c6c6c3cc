import Foundation

/// An earlier notice of the same PI about the same person is withdrawn. ``person`` names the
/// person the withdrawn notice was about, so the withdrawal reaches the same case, also when
/// it was the wrong person.
public struct NoticeWithdrawn: EventPayload, SubjectKeyed {
    public static let eventType = EventType.noticeWithdrawn

    /// Why the notice is withdrawn (`WithdrawalReason` in the contract).
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// It should not have been sent at all.
        case sentInError = "sent-in-error"
        /// It was about another person: data went where it should not (a possible breach).
        case wrongPerson = "wrong-person"
        /// It repeats another notice.
        case duplicate
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
    /// The `noticeId` of an earlier notice of the same PI and type that this one corrects:
    /// it replaces that notice and is processed as a change. Absent for an ordinary notice.
    public var correctsNoticeId: String?
    /// The `noticeId` of the withdrawn notice; never this notice's own.
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
        reason: Reason,
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.withdrawnNoticeId = withdrawnNoticeId
        self.reason = reason
        self.correctsNoticeId = correctsNoticeId
    }
}
