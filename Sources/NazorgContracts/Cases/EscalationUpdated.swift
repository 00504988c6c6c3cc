import Foundation

/// An escalation moved on the coordinator's desk: acknowledged (someone is on it) or resolved.
/// The coordinator's note stays in planning: free text may hold personal data.
public struct EscalationUpdated: EventPayload, SubjectKeyed {
    public static let eventType = EventType.escalationUpdated

    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case acknowledged
        case resolved
    }

    public var escalationId: String
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var status: Status
    /// The configured name of the account that acted (a coordinator's or RCN's token), or
    /// `planning` when the hub resolved it itself (the case closed).
    public var updatedBy: String
    public var updatedAt: Date

    public init(escalationId: String, caseId: UUID, subjectId: String, municipality: String, status: Status,
                updatedBy: String, updatedAt: Date) {
        self.escalationId = escalationId
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.status = status
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}
