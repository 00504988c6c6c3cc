import Foundation

/// The person consented to sharing data for one basisvoorwaarde with private partners.
public struct ConsentGiven: EventPayload, SubjectKeyed {
    public static let eventType = EventType.consentGiven

    public var consentId: String
    public var subjectId: String
    public var domain: Domain
    public var givenAt: Date
    /// The DetentionPlanShared notice the consent came from, if any.
    public var sourceNoticeId: String?

    public init(
        consentId: String,
        subjectId: String,
        domain: Domain,
        givenAt: Date,
        sourceNoticeId: String? = nil
    ) {
        self.consentId = consentId
        self.subjectId = subjectId
        self.domain = domain
        self.givenAt = givenAt
        self.sourceNoticeId = sourceNoticeId
    }
}
