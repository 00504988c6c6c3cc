import Foundation

/// The partner need no longer work on a task it received. It names the task and why, and
/// nothing about the person.
public struct TaskCancelled: EventPayload {
    public static let eventType = EventType.taskCancelled

    /// Stable across redeliveries; also the webhook's Idempotency-Key.
    public var cancellationId: String
    public var taskId: String
    public var partnerId: String
    public var taskType: TaskType
    public var domain: Domain?
    /// Never `wrong-person`: that is a ``TaskRetracted``.
    public var reason: TaskWithdrawn.Reason
    public var processingActivityId: String

    public init(cancellationId: String, taskId: String, partnerId: String, taskType: TaskType, domain: Domain?,
                reason: TaskWithdrawn.Reason, processingActivityId: String) {
        self.cancellationId = cancellationId
        self.taskId = taskId
        self.partnerId = partnerId
        self.taskType = taskType
        self.domain = domain
        self.reason = reason
        self.processingActivityId = processingActivityId
    }
}
