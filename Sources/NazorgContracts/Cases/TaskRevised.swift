import Foundation

/// Planning changed an open task: its deadline moved, it became urgent, or what the case
/// knows changed (release date, PI). Carries the task as it now stands, like
/// ``TaskAssigned``, so the filter can tell the partner what its policy allows.
public struct TaskRevised: EventPayload, SubjectKeyed {
    public static let eventType = EventType.taskRevised

    /// Why the task changed (`TaskRevisionReason` in the contract).
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case releaseDateChanged = "release-date-changed"
        case released
        case transferred
        case planReshared = "plan-reshared"
        case noticeCorrected = "notice-corrected"
    }

    /// Unique per revision; the filter derives its ids from the event id.
    public var revisionId: String
    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var taskType: TaskType
    public var domain: Domain?
    public var details: NeedDetails?
    public var remark: String?
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var deadline: CalendarDate
    public var previousDeadline: CalendarDate
    public var dueAt: Date?
    public var urgent: Bool
    public var expectedReleaseDate: CalendarDate?
    /// The alternative measure a `measure` task carries out.
    public var measure: AlternativeMeasure?
    public var reason: Reason
    public var revisedAt: Date

    public init(revisionId: String, task: TaskAssigned, previousDeadline: CalendarDate, reason: Reason, revisedAt: Date) {
        self.revisionId = revisionId
        self.taskId = task.taskId
        self.caseId = task.caseId
        self.subjectId = task.subjectId
        self.municipality = task.municipality
        self.prisonCode = task.prisonCode
        self.person = task.person
        self.taskType = task.taskType
        self.domain = task.domain
        self.details = task.details
        self.remark = task.remark
        self.partnerId = task.partnerId
        self.partnerRole = task.partnerRole
        self.deadline = task.deadline
        self.previousDeadline = previousDeadline
        self.dueAt = task.dueAt
        self.urgent = task.urgent
        self.expectedReleaseDate = task.expectedReleaseDate
        self.measure = task.measure
        self.reason = reason
        self.revisedAt = revisedAt
    }

    /// The task as it now stands, in the shape the filter discloses tasks in.
    public var task: TaskAssigned {
        TaskAssigned(taskId: taskId, caseId: caseId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                     person: person, taskType: taskType, domain: domain, details: details, remark: remark,
                     partnerId: partnerId, partnerRole: partnerRole, deadline: deadline, dueAt: dueAt, urgent: urgent,
                     expectedReleaseDate: expectedReleaseDate, measure: measure, assignedAt: revisedAt)
    }
}
