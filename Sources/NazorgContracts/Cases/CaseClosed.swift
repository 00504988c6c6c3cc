import Foundation

/// Planning closed a case.
public struct CaseClosed: EventPayload, SubjectKeyed {
    public static let eventType = EventType.caseClosed

    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case releasedPeriodEnded = "released-period-ended"
        case withdrawn
        case transferredOut = "transferred-out"
        case other
    }

    public var caseId: UUID
    public var subjectId: String
    public var reason: Reason
    public var closedAt: Date

    public init(
        caseId: UUID,
        subjectId: String,
        reason: Reason,
        closedAt: Date
    ) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.reason = reason
        self.closedAt = closedAt
    }
}
