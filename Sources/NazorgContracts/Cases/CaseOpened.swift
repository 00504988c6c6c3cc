import Foundation

/// Planning opened an aftercare case.
public struct CaseOpened: EventPayload, SubjectKeyed {
    public static let eventType = EventType.caseOpened

    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var expectedReleaseDate: CalendarDate?
    /// The notice that made planning open the case.
    public var sourceNoticeId: String
    public var openedAt: Date

    public init(
        caseId: UUID,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        expectedReleaseDate: CalendarDate? = nil,
        sourceNoticeId: String,
        openedAt: Date
    ) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.expectedReleaseDate = expectedReleaseDate
        self.sourceNoticeId = sourceNoticeId
        self.openedAt = openedAt
    }
}
