import Foundation
import NazorgContracts

/// A task as planning keeps it. `status` is `assigned` until someone reports on it, then a
/// ``TaskStatus`` raw value, or `withdrawn` once planning ended it.
public struct TaskRecord: Sendable, Equatable {
    /// Planning's own status for a task it ended before it was done.
    public static let withdrawn = "withdrawn"
    public static let assigned = "assigned"

    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var taskType: TaskType
    /// Absent only for a first-contact task.
    public var domain: Domain?
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var status: String
    public var deadline: CalendarDate
    /// The exact moment due, for tasks counted in hours (first contact).
    public var dueAt: Date?
    public var urgent: Bool
    /// The plan's details and remark for ``domain`` as the task carries them.
    public var details: NeedDetails?
    public var remark: String?
    /// The notice the task came from; nil for tasks kept from before planning remembered it.
    public var sourceNoticeId: String?
    public var assignedAt: Date
    /// The day a deadline without a release date counts from; a hand-over keeps it, so the
    /// new partner's deadline is the old one.
    public var plannedOn: CalendarDate
    /// The partner was asked to delete what it received (wrong person).
    public var retracted: Bool
    /// The alternative measure a `measure` task carries out.
    public var measure: AlternativeMeasure?
    /// The task this one replaces after the coordinator reassigned it.
    public var reassignedFromTaskId: String?
    /// When ``status`` last changed (assignment counts as the first change): what response
    /// times and the wait for consent count from.
    public var statusChangedAt: Date?
    /// When the partner rejected the task, if it ever did; kept when the task is later
    /// withdrawn or reassigned, so a need passed around can be traced.
    public var rejectedAt: Date?

    public init(taskId: String, caseId: UUID, subjectId: String, taskType: TaskType = .deliver, domain: Domain?,
                partnerId: String, partnerRole: PartnerRole, status: String = TaskRecord.assigned, deadline: CalendarDate,
                dueAt: Date? = nil, urgent: Bool = false, details: NeedDetails? = nil, remark: String? = nil,
                sourceNoticeId: String? = nil, assignedAt: Date, plannedOn: CalendarDate, retracted: Bool = false,
                measure: AlternativeMeasure? = nil, reassignedFromTaskId: String? = nil, statusChangedAt: Date? = nil,
                rejectedAt: Date? = nil) {
        self.taskId = taskId
        self.caseId = caseId
        self.subjectId = subjectId
        self.taskType = taskType
        self.domain = domain
        self.partnerId = partnerId
        self.partnerRole = partnerRole
        self.status = status
        self.deadline = deadline
        self.dueAt = dueAt
        self.urgent = urgent
        self.details = details
        self.remark = remark
        self.sourceNoticeId = sourceNoticeId
        self.assignedAt = assignedAt
        self.plannedOn = plannedOn
        self.retracted = retracted
        self.measure = measure
        self.reassignedFromTaskId = reassignedFromTaskId
        self.statusChangedAt = statusChangedAt
        self.rejectedAt = rejectedAt
    }

    /// Not yet done and not ended by planning. A rejected or undeliverable task stays open:
    /// it is back on the coordinator's desk, not done.
    public var isOpen: Bool { status != TaskStatus.completed.rawValue && status != Self.withdrawn }

    public var isCompleted: Bool { status == TaskStatus.completed.rawValue }

    public var isWithdrawn: Bool { status == Self.withdrawn }
}
