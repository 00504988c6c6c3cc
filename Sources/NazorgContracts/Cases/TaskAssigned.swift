import Foundation

/// Planning asks a partner to deliver for one basisvoorwaarde by a deadline, the
/// municipality's coordinator to screen one, or the coordinator to hold the first
/// conversation after release. The filter decides what the partner may see.
public struct TaskAssigned: EventPayload, SubjectKeyed {
    public static let eventType = EventType.taskAssigned

    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var taskType: TaskType
    /// The basisvoorwaarde; absent only for a first-contact task.
    public var domain: Domain?
    /// The D&R plan's structured content of ``domain``, when the plan gave any.
    public var details: NeedDetails?
    /// The plan's free-text remark about ``domain``: sensitive, never logged.
    public var remark: String?
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var deadline: CalendarDate
    /// The exact moment the task is due, for tasks counted in hours (first contact).
    public var dueAt: Date?
    /// The deadline was already past, or too close to keep, when planning set it; or the
    /// person was released while the task was open.
    public var urgent: Bool
    public var expectedReleaseDate: CalendarDate?
    /// The alternative measure a `measure` task carries out.
    public var measure: AlternativeMeasure?
    /// The task this one replaces when the coordinator reassigned it to another partner.
    public var reassignedFromTaskId: String?
    public var assignedAt: Date

    public init(
        taskId: String,
        caseId: UUID,
        subjectId: String,
        municipality: String,
        prisonCode: String,
        person: Person,
        taskType: TaskType = .deliver,
        domain: Domain?,
        details: NeedDetails? = nil,
        remark: String? = nil,
        partnerId: String,
        partnerRole: PartnerRole,
        deadline: CalendarDate,
        dueAt: Date? = nil,
        urgent: Bool = false,
        expectedReleaseDate: CalendarDate? = nil,
        measure: AlternativeMeasure? = nil,
        reassignedFromTaskId: String? = nil,
        assignedAt: Date
    ) {
        self.taskId = taskId
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.taskType = taskType
        self.domain = domain
        self.details = details
        self.remark = remark
        self.partnerId = partnerId
        self.partnerRole = partnerRole
        self.deadline = deadline
        self.dueAt = dueAt
        self.urgent = urgent
        self.expectedReleaseDate = expectedReleaseDate
        self.measure = measure
        self.reassignedFromTaskId = reassignedFromTaskId
        self.assignedAt = assignedAt
    }
}
