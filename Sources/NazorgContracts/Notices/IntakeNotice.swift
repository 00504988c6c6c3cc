import Foundation

/// Any of the eight notices on `nazorg.intake.notices.v1`.
public enum IntakeNotice: Sendable, Equatable {
    case detentionStarted(DetentionStarted)
    case detentionPlanShared(DetentionPlanShared)
    case releaseScheduled(ReleaseScheduled)
    case releaseDateChanged(ReleaseDateChanged)
    case released(Released)
    case transferred(Transferred)
    case noticeWithdrawn(NoticeWithdrawn)
    case municipalityChanged(MunicipalityChanged)

    /// The wrapped payload.
    public var payload: any EventPayload {
        switch self {
        case .detentionStarted(let notice): return notice
        case .detentionPlanShared(let notice): return notice
        case .releaseScheduled(let notice): return notice
        case .releaseDateChanged(let notice): return notice
        case .released(let notice): return notice
        case .transferred(let notice): return notice
        case .noticeWithdrawn(let notice): return notice
        case .municipalityChanged(let notice): return notice
        }
    }

    public var eventType: EventType { type(of: payload).eventType }

    public var noticeId: String { common.noticeId }
    public var subjectId: String { common.subjectId }
    public var municipality: String { common.municipality }
    public var prisonCode: String { common.prisonCode }
    public var person: Person { common.person }
    public var reportedAt: Date { common.reportedAt }

    /// Decodes the JSON payload of a record whose `ce_type` named `eventType`.
    /// Throws ``ContractError`` for a type that is not a notice, and the decoder's error
    /// for a payload that does not match.
    public static func decode(from data: Data, eventType: EventType) throws -> IntakeNotice {
        let decoder = ContractCoding.decoder()
        switch eventType {
        case .detentionStarted: return .detentionStarted(try decoder.decode(DetentionStarted.self, from: data))
        case .detentionPlanShared: return .detentionPlanShared(try decoder.decode(DetentionPlanShared.self, from: data))
        case .releaseScheduled: return .releaseScheduled(try decoder.decode(ReleaseScheduled.self, from: data))
        case .releaseDateChanged: return .releaseDateChanged(try decoder.decode(ReleaseDateChanged.self, from: data))
        case .released: return .released(try decoder.decode(Released.self, from: data))
        case .transferred: return .transferred(try decoder.decode(Transferred.self, from: data))
        case .noticeWithdrawn: return .noticeWithdrawn(try decoder.decode(NoticeWithdrawn.self, from: data))
        case .municipalityChanged: return .municipalityChanged(try decoder.decode(MunicipalityChanged.self, from: data))
        default:
            throw ContractError(
                code: .unexpectedEventType, message: "The event type is not an intake notice.",
                eventType: eventType.rawValue)
        }
    }

    /// The payload as contract JSON.
    public func encodedJSON() throws -> Data {
        try payload.encodedJSON()
    }

    private var common: (noticeId: String, subjectId: String, municipality: String, prisonCode: String,
                         person: Person, reportedAt: Date) {
        switch self {
        case .detentionStarted(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .detentionPlanShared(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .releaseScheduled(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .releaseDateChanged(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .released(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .transferred(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .noticeWithdrawn(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        case .municipalityChanged(let n): return (n.noticeId, n.subjectId, n.municipality, n.prisonCode, n.person, n.reportedAt)
        }
    }
}
