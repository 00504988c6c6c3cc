import Foundation

/// Planning ended an open task before it was done. The filter tells the partner that holds
/// it: a TaskCancelled with the reason, or, when ``retract`` is set, a data-free
/// TaskRetracted asking the partner to delete what it received. A task still waiting for
/// consent is never disclosed after this.
public struct TaskWithdrawn: EventPayload, SubjectKeyed {
    public static let eventType = EventType.taskWithdrawn

    /// Why (`TaskWithdrawalReason` in the contract); also what the partner's TaskCancelled says.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// A re-shared D&R plan says the basisvoorwaarde is arranged after all.
        case needArranged = "need-arranged"
        /// A re-shared D&R plan says the basisvoorwaarde does not apply.
        case needNotApplicable = "need-not-applicable"
        /// A re-shared D&R plan says what an unknown basisvoorwaarde needs: the screening task
        /// gives way to a delivery task.
        case needKnown = "need-known"
        /// The notice the task came from was withdrawn (sent in error, or a duplicate).
        case noticeWithdrawn = "notice-withdrawn"
        /// The notice was about another person: the partner must delete what it received.
        case wrongPerson = "wrong-person"
        /// The person settles in another municipality, whose partners take over.
        case municipalityChanged = "municipality-changed"
        /// The case closed with the task still open.
        case caseClosed = "case-closed"
        /// The coordinator gave the task to another partner.
        case reassigned
        /// The person withdrew the consent the partner held the task on: the filter asked the
        /// partner to delete it; a new task for the same partner waits for consent again.
        case consentWithdrawn = "consent-withdrawn"
    }

    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var taskType: TaskType
    public var domain: Domain?
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var reason: Reason
    /// The partner must delete what it received about the task (wrong person).
    public var retract: Bool
    public var withdrawnAt: Date

    public init(taskId: String, caseId: UUID, subjectId: String, municipality: String, taskType: TaskType, domain: Domain?,
                partnerId: String, partnerRole: PartnerRole, reason: Reason, retract: Bool, withdrawnAt: Date) {
        self.taskId = taskId
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.taskType = taskType
        self.domain = domain
        self.partnerId = partnerId
        self.partnerRole = partnerRole
        self.reason = reason
        self.retract = retract
        self.withdrawnAt = withdrawnAt
    }
}
