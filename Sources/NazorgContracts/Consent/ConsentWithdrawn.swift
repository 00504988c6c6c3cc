import Foundation

/// The person withdrew consent for one basisvoorwaarde; disclosure must stop at once.
public struct ConsentWithdrawn: EventPayload, SubjectKeyed {
    public static let eventType = EventType.consentWithdrawn

    public var consentId: String
    public var subjectId: String
    public var domain: Domain
    public var withdrawnAt: Date

    /// Set by the consent API (absent on the consents intake takes from a shared D&R plan,
    /// which the plan's notice documents): who recorded the statement, the evidence it
    /// rests on (the form's reference, never its content), every basisvoorwaarde the
    /// statement covered (one event per basisvoorwaarde), and when the hub received it.
    public var recordedBy: ConsentRecorder?
    public var evidenceRef: String?
    public var scope: [Domain]?
    public var receivedAt: Date?

    public init(
        consentId: String,
        subjectId: String,
        domain: Domain,
        withdrawnAt: Date,
        recordedBy: ConsentRecorder? = nil,
        evidenceRef: String? = nil,
        scope: [Domain]? = nil,
        receivedAt: Date? = nil
    ) {
        self.consentId = consentId
        self.subjectId = subjectId
        self.domain = domain
        self.withdrawnAt = withdrawnAt
        self.recordedBy = recordedBy
        self.evidenceRef = evidenceRef
        self.scope = scope
        self.receivedAt = receivedAt
    }
}
