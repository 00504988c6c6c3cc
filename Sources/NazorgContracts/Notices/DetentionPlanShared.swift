import Foundation

/// The shareable part of the D&R plan. Need domains must be unique; check ``hasUniqueNeedDomains``.
public struct DetentionPlanShared: EventPayload, SubjectKeyed {
    public static let eventType = EventType.detentionPlanShared

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
    /// Decides whether ``expectedReleaseDate`` is required (see ``requiresReleaseDate(_:)``).
    public var detentionType: DetentionType
    /// Present for a sentence; remand and other detention may have no date yet.
    public var expectedReleaseDate: CalendarDate?
    public var needs: [Need]
    /// Domains the person consented to share with private partners; may be empty.
    public var consents: [Domain]

    public init(
        noticeId: String,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        reportedAt: Date,
        detentionType: DetentionType,
        expectedReleaseDate: CalendarDate?,
        needs: [Need],
        consents: [Domain],
        correctsNoticeId: String? = nil
    ) {
        self.noticeId = noticeId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.reportedAt = reportedAt
        self.detentionType = detentionType
        self.expectedReleaseDate = expectedReleaseDate
        self.needs = needs
        self.consents = consents
        self.correctsNoticeId = correctsNoticeId
    }
}
