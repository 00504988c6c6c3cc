import Foundation

/// The coordinator recorded whether the person cooperates with aftercare. While the person
/// declines or cannot be reached, partners that act on consent receive nothing new.
public struct CooperationRecorded: EventPayload, SubjectKeyed {
    public static let eventType = EventType.cooperationRecorded

    public enum Cooperation: String, Sendable, Hashable, Codable, CaseIterable {
        case cooperating
        /// The person declines aftercare (zorgmijder).
        case declinesAftercare = "declines-aftercare"
        /// The person cannot be reached.
        case unreachable
    }

    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var cooperation: Cooperation
    /// The configured name of the account that recorded it.
    public var recordedBy: String
    public var recordedAt: Date

    public init(caseId: UUID, subjectId: String, municipality: String, cooperation: Cooperation, recordedBy: String,
                recordedAt: Date) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.cooperation = cooperation
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    /// Whether partners acting on consent may receive new tasks.
    public var allowsConsentBasedDisclosure: Bool { cooperation == .cooperating }
}
