import Foundation

/// The person actually left the PI.
public struct Released: EventPayload, SubjectKeyed {
    public static let eventType = EventType.released

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
    public var releaseDate: CalendarDate
    /// True when the release was not announced beforehand; urgent.
    public var unannounced: Bool

    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        releaseDate: CalendarDate,
        unannounced: Bool
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.releaseDate = releaseDate
        self.unannounced = unannounced
    }
}
