import Foundation

/// The person will settle in another municipality: the case moves there, with a warm
/// hand-over. The old municipality's partners lose their open tasks (TaskWithdrawn,
/// municipality-changed), the new municipality's partners receive them again, and both
/// coordinators see this event.
public struct CaseHandedOver: EventPayload, SubjectKeyed {
    public static let eventType = EventType.caseHandedOver

    public var caseId: UUID
    public var subjectId: String
    public var fromMunicipality: String
    public var toMunicipality: String
    /// The notice that moved the case.
    public var sourceNoticeId: String
    /// Basisvoorwaarden still open at the hand-over, in `Domain` order.
    public var openDomains: [Domain]
    public var expectedReleaseDate: CalendarDate?
    public var handedOverAt: Date

    public init(caseId: UUID, subjectId: String, fromMunicipality: String, toMunicipality: String, sourceNoticeId: String,
                openDomains: [Domain], expectedReleaseDate: CalendarDate?, handedOverAt: Date) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.fromMunicipality = fromMunicipality
        self.toMunicipality = toMunicipality
        self.sourceNoticeId = sourceNoticeId
        self.openDomains = openDomains
        self.expectedReleaseDate = expectedReleaseDate
        self.handedOverAt = handedOverAt
    }
}
