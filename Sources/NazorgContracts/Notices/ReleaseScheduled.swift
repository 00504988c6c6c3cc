import Foundation

/// The expected release date is known.
public struct ReleaseScheduled: EventPayload, SubjectKeyed {
    public static let eventType = EventType.releaseScheduled

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
    public var expectedReleaseDate: CalendarDate

    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        expectedReleaseDate: CalendarDate,
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.expectedReleaseDate = expectedReleaseDate
        self.correctsNoticeId = correctsNoticeId
    }
}
