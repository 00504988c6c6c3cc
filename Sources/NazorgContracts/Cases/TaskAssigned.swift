import Foundation

/// Planning asks a partner to deliver for one basisvoorwaarde by a deadline. The filter decides what the partner may see.
public struct TaskAssigned: EventPayload, SubjectKeyed {
    public static let eventType = EventType.taskAssigned

    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var domain: Domain
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var deadline: CalendarDate
    public var expectedReleaseDate: CalendarDate?
    public var assignedAt: Date

    public init(
        taskId: String,
        caseId: UUID,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        domain: Domain,
        partnerId: String,
        partnerRole: PartnerRole,
        deadline: CalendarDate,
        expectedReleaseDate: CalendarDate? = nil,
        assignedAt: Date
    ) {
        self.taskId = taskId
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.domain = domain
        self.partnerId = partnerId
        self.partnerRole = partnerRole
        self.deadline = deadline
        self.expectedReleaseDate = expectedReleaseDate
        self.assignedAt = assignedAt
    }
}
