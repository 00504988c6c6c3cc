import Foundation

/// The partner must delete everything it received about a task: it should never have had it.
/// Data-free: it names the task and nothing else, not even why.
public struct TaskRetracted: EventPayload {
    public static let eventType = EventType.taskRetracted

    /// Stable across redeliveries; also the webhook's Idempotency-Key.
    public var retractionId: String
    public var taskId: String
    public var partnerId: String
    /// Always true: the partner deletes what it holds about the task and reports completed.
    public var deletionRequested: Bool
    public var processingActivityId: String

    public init(retractionId: String, taskId: String, partnerId: String, processingActivityId: String) {
        self.retractionId = retractionId
        self.taskId = taskId
        self.partnerId = partnerId
        self.deletionRequested = true
        self.processingActivityId = processingActivityId
    }
}
