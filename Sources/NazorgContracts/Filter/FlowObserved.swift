import Foundation

/// A pseudonymous monitoring record the filter writes for RCN monitoring. Never carries a direct identifier.
public struct FlowObserved: EventPayload, SubjectKeyed {
    public static let eventType = EventType.flowObserved

    public var observationId: String
    public var sourceEventType: EventType
    public var subjectId: String
    /// The case's municipality; for CaseHandedOver the one the case left.
    public var municipality: String?
    public var caseId: UUID?
    public var taskId: String?
    public var domain: Domain?
    public var partnerId: String?
    public var status: TaskStatus?
    /// The escalation's reason, for EscalationRaised observations.
    public var reason: EscalationRaised.Reason?
    /// The escalation, for EscalationRaised and EscalationUpdated observations, so an update
    /// can be matched with what it updates.
    public var escalationId: String?
    /// Where the escalation stands, for EscalationUpdated observations.
    public var escalationStatus: EscalationUpdated.Status?
    /// The person's cooperation as the coordinator recorded it, for CooperationRecorded observations.
    public var cooperation: CooperationRecorded.Cooperation?
    /// Why the task ended early, for TaskWithdrawn observations.
    public var withdrawalReason: TaskWithdrawn.Reason?
    /// How the person left, for ReleaseDayRecorded observations.
    public var releaseType: Released.ReleaseType?
    /// The release was not announced beforehand, for ReleaseDayRecorded observations.
    public var unannounced: Bool?
    /// What was in place per basisvoorwaarde on release day, for ReleaseDayRecorded observations.
    public var coverage: [BasisvoorwaardeCoverage]?
    /// The municipality the case moved to, for CaseHandedOver observations.
    public var toMunicipality: String?
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
        escalationId: String? = nil,
        escalationStatus: EscalationUpdated.Status? = nil,
        cooperation: CooperationRecorded.Cooperation? = nil,
        withdrawalReason: TaskWithdrawn.Reason? = nil,
        releaseType: Released.ReleaseType? = nil,
        unannounced: Bool? = nil,
        coverage: [BasisvoorwaardeCoverage]? = nil,
        toMunicipality: String? = nil,
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
        self.escalationId = escalationId
        self.escalationStatus = escalationStatus
        self.cooperation = cooperation
        self.withdrawalReason = withdrawalReason
        self.releaseType = releaseType
        self.unannounced = unannounced
        self.coverage = coverage
        self.toMunicipality = toMunicipality
        self.occurredAt = occurredAt
    }
}
