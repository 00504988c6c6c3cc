import Foundation

/// A task's status changed: a partner's answer (through the adapters), or the hub's own
/// awaiting-consent or undeliverable (from the filter or the adapters). On the partner-status
/// topic the record key is the task id and ``caseId`` and ``subjectId`` are absent; planning
/// fills them in when it republishes the event as a case event. A rejection needs a ``reason``; check ``isValid``.
public struct TaskStatusChanged: EventPayload {
    public static let eventType = EventType.taskStatusChanged

    public var taskId: String
    /// Absent on the partner-status topic; always present on the case-event topic.
    public var caseId: UUID?
    /// Absent on the partner-status topic; always present on the case-event topic.
    public var subjectId: String?
    public var partnerId: String
    /// Absent only for a first-contact task, which is about no single basisvoorwaarde.
    public var domain: Domain?
    public var status: TaskStatus
    /// Free text from the partner (at most 500 characters, required when rejected; never log it),
    /// or the hub's reason code with awaiting-consent and undeliverable.
    public var reason: String?
    public var changedAt: Date

    public init(
        taskId: String,
        caseId: UUID? = nil,
        subjectId: String? = nil,
        partnerId: String,
        domain: Domain?,
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
