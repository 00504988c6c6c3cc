import Foundation
import NazorgContracts
import NazorgRuntime

/// One detention's aftercare case as planning keeps it. A person has a case per detention:
/// the newest is their current case, the older ones are closed and stay linkable by
/// ``subjectId``.
public struct CaseRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case open
        case closed
    }

    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var expectedReleaseDate: CalendarDate?
    public var status: Status
    public var openedAt: Date
    /// The notice that opened the case: withdrawing it withdraws the case.
    public var openingNoticeId: String?
    /// From DetentionStarted; screening deadlines count from it (or from ``openedAt`` without it).
    public var detentionStartDate: CalendarDate?
    /// What the D&R plans said per basisvoorwaarde, each with the notice that said it.
    public var needs: [PlannedNeed]
    public var release: Release?
    /// What was in place on release day, kept for the coverage at closure.
    public var releaseCoverage: [BasisvoorwaardeCoverage]?
    public var closedAt: Date?
    public var closeReason: CaseClosed.Reason?
    /// Set when a coordinator closed the case.
    public var coordinatorCloseReason: CaseClosed.CoordinatorReason?
    /// What the coordinator last recorded about the person's cooperation; nil: nothing recorded.
    public var cooperation: CooperationRecorded.Cooperation?

    /// The actual release, once the PI reported it.
    public struct Release: Sendable, Equatable, Codable {
        public var releasedAt: Date
        public var releaseDate: CalendarDate
        public var releaseType: Released.ReleaseType
        public var unannounced: Bool

        public init(releasedAt: Date, releaseDate: CalendarDate, releaseType: Released.ReleaseType, unannounced: Bool) {
            self.releasedAt = releasedAt
            self.releaseDate = releaseDate
            self.releaseType = releaseType
            self.unannounced = unannounced
        }
    }

    public init(caseId: UUID, subjectId: String, municipality: String, prisonCode: String, person: Person,
                expectedReleaseDate: CalendarDate?, status: Status = .open, openedAt: Date, openingNoticeId: String? = nil,
                detentionStartDate: CalendarDate? = nil, needs: [PlannedNeed] = [], release: Release? = nil,
                releaseCoverage: [BasisvoorwaardeCoverage]? = nil, closedAt: Date? = nil, closeReason: CaseClosed.Reason? = nil,
                coordinatorCloseReason: CaseClosed.CoordinatorReason? = nil,
                cooperation: CooperationRecorded.Cooperation? = nil) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.prisonCode = prisonCode
        self.person = person
        self.expectedReleaseDate = expectedReleaseDate
        self.status = status
        self.openedAt = openedAt
        self.openingNoticeId = openingNoticeId
        self.detentionStartDate = detentionStartDate
        self.needs = needs
        self.release = release
        self.releaseCoverage = releaseCoverage
        self.closedAt = closedAt
        self.closeReason = closeReason
        self.coordinatorCloseReason = coordinatorCloseReason
        self.cooperation = cooperation
    }

    public var isOpen: Bool { status == .open }

    /// What the plans said about `domain`, if any plan did.
    public func need(_ domain: Domain) -> PlannedNeed? { needs.first { $0.need.domain == domain } }
}

/// A need of a D&R plan and the notice that said it, so a withdrawal of that notice can
/// take it back.
public struct PlannedNeed: Sendable, Equatable, Codable {
    public var need: Need
    public var noticeId: String

    public init(need: Need, noticeId: String) {
        self.need = need
        self.noticeId = noticeId
    }
}
