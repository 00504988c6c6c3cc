import Foundation

/// The person withdrew consent for one basisvoorwaarde; disclosure must stop at once.
public struct ConsentWithdrawn: EventPayload, SubjectKeyed {
    public static let eventType = EventType.consentWithdrawn

    public var consentId: String
    public var subjectId: String
    public var domain: Domain
    public var withdrawnAt: Date

    public init(
        consentId: String,
        subjectId: String,
        domain: Domain,
        withdrawnAt: Date
    ) {
        self.consentId = consentId
        self.subjectId = subjectId
        self.domain = domain
        self.withdrawnAt = withdrawnAt
    }
}
