import Foundation

/// Planning puts a case back on the coordinator's desk.
public struct EscalationRaised: EventPayload, SubjectKeyed {
    public static let eventType = EventType.escalationRaised

    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case taskRejected = "task-rejected"
        case deadlineMissed = "deadline-missed"
        case unannouncedRelease = "unannounced-release"
        case noPartner = "no-partner"
        /// The filter holds a task until the person consents.
        case awaitingConsent = "awaiting-consent"
        /// A task could not reach its partner: dead-lettered, or refused for good by the partner.
        case deliveryFailed = "delivery-failed"
        /// No policy allows disclosing the task to the partner it was assigned to.
        case disclosureDenied = "disclosure-denied"
        /// A notice about the wrong person was withdrawn after partners received data: the
        /// coordinator judges within 72 hours whether to report a breach (art. 33 AVG).
        case possibleDataBreach = "possible-data-breach"
    }

    public var escalationId: String
    public var caseId: UUID
    public var subjectId: String
    public var taskId: String?
    public var reason: Reason
    /// When the coordinator must have acted, when the reason sets a term (a possible breach: 72 hours).
    public var dueAt: Date?
    public var raisedAt: Date

    public init(
        escalationId: String,
        caseId: UUID,
        subjectId: String,
        taskId: String? = nil,
        reason: Reason,
        dueAt: Date? = nil,
        raisedAt: Date
    ) {
        self.escalationId = escalationId
        self.caseId = caseId
        self.subjectId = subjectId
        self.taskId = taskId
        self.reason = reason
        self.dueAt = dueAt
        self.raisedAt = raisedAt
    }
}
