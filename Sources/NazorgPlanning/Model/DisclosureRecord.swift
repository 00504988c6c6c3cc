import Foundation
import NazorgContracts

/// What the filter's disclosure log says one partner received about a person: the source of
/// a case timeline's disclosure summary. No field of it is personal data beyond the pseudonym.
public struct DisclosureRecord: Sendable, Equatable {
    public var disclosureId: String
    public var subjectId: String
    public var receiverId: String
    public var receiverRole: PartnerRole
    /// The planning event that caused it, which ties it to a case.
    public var sourceEventId: String
    /// What the partner received; absent in records that did not say.
    public var disclosedEventType: EventType?
    public var disclosedAt: Date

    public init(disclosureId: String, subjectId: String, receiverId: String, receiverRole: PartnerRole, sourceEventId: String,
                disclosedEventType: EventType?, disclosedAt: Date) {
        self.disclosureId = disclosureId
        self.subjectId = subjectId
        self.receiverId = receiverId
        self.receiverRole = receiverRole
        self.sourceEventId = sourceEventId
        self.disclosedEventType = disclosedEventType
        self.disclosedAt = disclosedAt
    }
}
