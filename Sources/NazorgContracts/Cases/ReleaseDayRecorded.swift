import Foundation

/// Planning recorded what was in place when the person was released, per basisvoorwaarde:
/// the release-day coverage monitoring reports.
public struct ReleaseDayRecorded: EventPayload, SubjectKeyed {
    public static let eventType = EventType.releaseDayRecorded

    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var releasedAt: Date
    /// The day of ``releasedAt`` in Europe/Amsterdam.
    public var releaseDate: CalendarDate
    /// The date the case expected, when it had one: an earlier release shows here.
    public var expectedReleaseDate: CalendarDate?
    public var releaseType: Released.ReleaseType
    public var unannounced: Bool
    /// One entry per basisvoorwaarde, in `Domain` order.
    public var coverage: [BasisvoorwaardeCoverage]
    public var recordedAt: Date

    public init(caseId: UUID, subjectId: String, municipality: String, releasedAt: Date, releaseDate: CalendarDate,
                expectedReleaseDate: CalendarDate?, releaseType: Released.ReleaseType, unannounced: Bool,
                coverage: [BasisvoorwaardeCoverage], recordedAt: Date) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.releasedAt = releasedAt
        self.releaseDate = releaseDate
        self.expectedReleaseDate = expectedReleaseDate
        self.releaseType = releaseType
        self.unannounced = unannounced
        self.coverage = coverage
        self.recordedAt = recordedAt
    }
}
