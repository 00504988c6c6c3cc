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
        /// The partner did not accept (or reject) the task within its response time.
        case notAccepted = "not-accepted"
        /// No D&R plan arrived within ten working days of detention start.
        case planMissing = "plan-missing"
        /// The person's release day passed with basisvoorwaarden still open.
        case releaseDayOpen = "release-day-open"
        /// Nobody reported the first conversation done within its term after release.
        case firstContactMissed = "first-contact-missed"
        /// A task waited for the person's consent longer than the municipality's profile allows.
        case consentTimeout = "consent-timeout"
        /// A need was passed between organisations (rejected twice, reassigned twice, or offered
        /// again to an organisation that rejected it): ``partnerIds`` and ``timeLostHours`` say
        /// who and how long.
        case hotPotato = "hot-potato"
    }

    public var escalationId: String
    public var caseId: UUID
    public var subjectId: String
    /// The municipality whose coordinator holds the case: whose inbox the escalation lands in.
    public var municipality: String
    public var taskId: String?
    public var reason: Reason
    /// The basisvoorwaarde concerned, when there is one.
    public var domain: Domain?
    /// The partner concerned (the task's partner), when there is one.
    public var partnerId: String?
    /// A hot potato's organisations, in the order the need passed them.
    public var partnerIds: [String]?
    /// When what the escalation is about was due: the response time, the deadline, the
    /// release day, the first contact's term, the end of the consent wait.
    public var wasDueAt: Date?
    /// A hot potato's time lost: hours since the need was first assigned.
    public var timeLostHours: Int?
    /// When the coordinator must have acted, when the reason sets a term (a possible breach: 72 hours).
    public var dueAt: Date?
    public var raisedAt: Date

    public init(
        escalationId: String,
        caseId: UUID,
        subjectId: String,
        municipality: String,
        taskId: String? = nil,
        reason: Reason,
        domain: Domain? = nil,
        partnerId: String? = nil,
        partnerIds: [String]? = nil,
        wasDueAt: Date? = nil,
        timeLostHours: Int? = nil,
        dueAt: Date? = nil,
        raisedAt: Date
    ) {
        self.escalationId = escalationId
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.taskId = taskId
        self.reason = reason
        self.domain = domain
        self.partnerId = partnerId
        self.partnerIds = partnerIds
        self.wasDueAt = wasDueAt
        self.timeLostHours = timeLostHours
        self.dueAt = dueAt
        self.raisedAt = raisedAt
    }
}
