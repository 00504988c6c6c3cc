import Foundation

/// A partner accepted, rejected or completed a task. Adapters publish it on the partner-status topic; planning republishes it as a case event. A rejection needs a ``reason``; check ``isValid``.
public struct TaskStatusChanged: EventPayload, SubjectKeyed {
    public static let eventType = EventType.taskStatusChanged

    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var partnerId: String
    public var domain: Domain
    public var status: TaskStatus
    /// Free text from the partner, at most 500 characters; required when rejected. Never log it.
    public var reason: String?
    public var changedAt: Date

    public init(
        taskId: String,
        caseId: UUID,
        subjectId: String,
        partnerId: String,
        domain: Domain,
        status: TaskStatus,
        reason: String? = nil,
        changedAt: Date
    ) {
        self.taskId = taskId
        self.caseId = caseId
        self.subjectId = subjectId
        self.partnerId = partnerId
        self.domain = domain
        self.status = status
        self.reason = reason
        self.changedAt = changedAt
    }
}
