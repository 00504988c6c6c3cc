import Foundation

/// The person actually left the PI.
public struct Released: EventPayload, SubjectKeyed {
    public static let eventType = EventType.released

    /// How the person left.
    public enum ReleaseType: String, Sendable, Hashable, Codable, CaseIterable {
        case endOfSentence = "end-of-sentence"
        /// Voorwaardelijke invrijheidstelling.
        case conditionalRelease = "conditional-release"
        /// Remand (voorlopige hechtenis) was lifted or suspended.
        case remandLifted = "remand-lifted"
        /// Released at a hearing; the person does not return to the PI.
        case releasedFromCourt = "released-from-court"
        case other
    }

    /// The time zone in which ``releaseDate`` is the day of ``releasedAt``.
    public static let releaseDayTimeZone = DutchTime.zone

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
    /// The moment the person left the PI.
    public var releasedAt: Date
    /// The day of ``releasedAt`` in Europe/Amsterdam: the day deadlines after release count from.
    public var releaseDate: CalendarDate
    public var releaseType: ReleaseType
    /// True when the release was not announced beforehand; urgent.
    public var unannounced: Bool

    /// A release at `releasedAt`; ``releaseDate`` is its day in Europe/Amsterdam.
    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        releasedAt: Date,
        releaseType: ReleaseType,
        unannounced: Bool,
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.releasedAt = releasedAt
        self.releaseDate = CalendarDate(releasedAt, in: Self.releaseDayTimeZone)
        self.releaseType = releaseType
        self.unannounced = unannounced
        self.correctsNoticeId = correctsNoticeId
    }
}
