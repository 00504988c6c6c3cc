import Foundation

/// The expected release date moved; deadlines move with it.
public struct ReleaseDateChanged: EventPayload, SubjectKeyed {
    public static let eventType = EventType.releaseDateChanged

    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case earlyRelease = "early-release"
        case sentenceChange = "sentence-change"
        case appeal
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
    public var previousReleaseDate: CalendarDate
    public var expectedReleaseDate: CalendarDate
    public var reason: Reason

    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        previousReleaseDate: CalendarDate,
        expectedReleaseDate: CalendarDate,
        reason: Reason
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.previousReleaseDate = previousReleaseDate
        self.expectedReleaseDate = expectedReleaseDate
        self.reason = reason
    }
}
