import Foundation

/// A pseudonymous monitoring record the filter writes for RCN monitoring. Never carries a direct identifier.
public struct FlowObserved: EventPayload, SubjectKeyed {
    public static let eventType = EventType.flowObserved

    public var observationId: String
    public var sourceEventType: EventType
    public var subjectId: String
    public var municipality: String?
    public var caseId: UUID?
    public var taskId: String?
    public var domain: Domain?
    public var partnerId: String?
    public var status: TaskStatus?
    /// The escalation's reason, for EscalationRaised observations.
    public var reason: EscalationRaised.Reason?
    public var occurredAt: Date

    public init(
        observationId: String,
        sourceEventType: EventType,
        subjectId: String,
        municipality: String? = nil,
        caseId: UUID? = nil,
        taskId: String? = nil,
        domain: Domain? = nil,
        partnerId: String? = nil,
        status: TaskStatus? = nil,
        reason: EscalationRaised.Reason? = nil,
        occurredAt: Date
    ) {
        self.observationId = observationId
        self.sourceEventType = sourceEventType
        self.subjectId = subjectId
        self.municipality = municipality
        self.caseId = caseId
        self.taskId = taskId
        self.domain = domain
        self.partnerId = partnerId
        self.status = status
        self.reason = reason
        self.occurredAt = occurredAt
    }
}
