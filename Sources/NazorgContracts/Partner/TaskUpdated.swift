import Foundation

/// What a partner holding an open task receives when it changed: the new deadline and
/// urgency, and the task's view as its policy allows it (the same fields as its offer).
public struct TaskUpdated: EventPayload {
    public static let eventType = EventType.taskUpdated

    /// Stable across redeliveries; also the webhook's Idempotency-Key.
    public var updateId: String
    public var taskId: String
    public var partnerId: String
    public var taskType: TaskType
    public var domain: Domain?
    /// The alternative measure a `measure` task carries out.
    public var measure: AlternativeMeasure?
    public var reason: TaskRevised.Reason
    public var urgent: Bool
    public var dueAt: Date?
    /// As exact as the policy allows (see ``deadlinePrecision``); absent when left out.
    public var deadline: CalendarDate?
    public var deadlinePrecision: DeadlinePrecision?
    public var details: NeedDetails?
    public var remark: String?
    public var processingActivityId: String
    public var subject: TaskOffered.Subject

    public init(updateId: String, taskId: String, partnerId: String, taskType: TaskType, domain: Domain?,
                reason: TaskRevised.Reason, urgent: Bool, dueAt: Date?, deadline: CalendarDate?,
                deadlinePrecision: DeadlinePrecision?, details: NeedDetails?, remark: String?,
                processingActivityId: String, subject: TaskOffered.Subject, measure: AlternativeMeasure? = nil) {
        self.updateId = updateId
        self.taskId = taskId
        self.partnerId = partnerId
        self.taskType = taskType
        self.domain = domain
        self.measure = measure
        self.reason = reason
        self.urgent = urgent
        self.dueAt = dueAt
        self.deadline = deadline
        self.deadlinePrecision = deadlinePrecision
        self.details = details
        self.remark = remark
        self.processingActivityId = processingActivityId
        self.subject = subject
    }
}
