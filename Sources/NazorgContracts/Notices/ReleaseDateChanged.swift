import Foundation

/// The expected release date moved; deadlines move with it.
public struct ReleaseDateChanged: EventPayload, SubjectKeyed {
    public static let eventType = EventType.releaseDateChanged

    /// Why the date moved (`ReleaseDateChangeReason` in the contract).
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// A court decided (appeal, suspension, a changed sentence).
        case courtDecision = "court-decision"
        /// Conditional release (voorwaardelijke invrijheidstelling) was granted.
        case conditionalReleaseGranted = "conditional-release-granted"
        /// Conditional release was postponed or revoked.
        case conditionalReleaseRevoked = "conditional-release-revoked"
        /// The sentence was recalculated, for example with time served elsewhere.
        case sentenceRecalculated = "sentence-recalculated"
        /// An earlier date was wrong and is corrected.
        case administrativeCorrection = "administrative-correction"
        case other
    }

    /// Which way the date moved; derived from the two dates by intake, so a partner whose
    /// policy withholds dates can still be told.
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        case earlier
        case later

        /// The direction from `previous` to `expected`; nil when they are the same day.
        public init?(from previous: CalendarDate, to expected: CalendarDate) {
            if expected < previous {
                self = .earlier
            } else if previous < expected {
                self = .later
            } else {
                return nil
            }
        }
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
    /// The date this notice replaces.
    public var previousReleaseDate: CalendarDate
    /// The new date; never the same day as ``previousReleaseDate``.
    public var expectedReleaseDate: CalendarDate
    public var direction: Direction
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
        direction: Direction,
        reason: Reason,
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.previousReleaseDate = previousReleaseDate
        self.expectedReleaseDate = expectedReleaseDate
        self.direction = direction
        self.reason = reason
        self.correctsNoticeId = correctsNoticeId
    }
}
