import Foundation

/// Planning closed a case: what was in place on release day and at closure, per basisvoorwaarde.
public struct CaseClosed: EventPayload, SubjectKeyed {
    public static let eventType = EventType.caseClosed

    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The aftercare period of the municipality's profile ended after release.
        case aftercarePeriodEnded = "aftercare-period-ended"
        /// Every task was done.
        case tasksCompleted = "tasks-completed"
        /// The notice that opened the case was withdrawn.
        case withdrawn
        /// The person was detained again: a new case follows.
        case redetained
        /// The coordinator closed the case; ``coordinatorReason`` says why.
        case closedByCoordinator = "closed-by-coordinator"
        case other
    }

    /// Why a coordinator closed a case. Codes only: the coordinator's note stays in planning.
    public enum CoordinatorReason: String, Sendable, Hashable, Codable, CaseIterable {
        case declinesAftercare = "declines-aftercare"
        case unreachable
        case movedAbroad = "moved-abroad"
        case deceased
        case noAftercareNeeded = "no-aftercare-needed"
        case other
    }

    /// One basisvoorwaarde at release and at closure.
    public struct Coverage: Sendable, Hashable, Codable {
        public var domain: Domain
        /// Absent when the case closed without a release.
        public var atRelease: BasisvoorwaardeCoverage.State?
        public var atClosure: BasisvoorwaardeCoverage.State

        public init(domain: Domain, atRelease: BasisvoorwaardeCoverage.State?, atClosure: BasisvoorwaardeCoverage.State) {
            self.domain = domain
            self.atRelease = atRelease
            self.atClosure = atClosure
        }
    }

    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var reason: Reason
    /// Set when ``reason`` is `closed-by-coordinator`.
    public var coordinatorReason: CoordinatorReason?
    /// When the person was released, if they were.
    public var releaseDate: CalendarDate?
    /// One entry per basisvoorwaarde, in `Domain` order.
    public var coverage: [Coverage]
    public var closedAt: Date

    public init(caseId: UUID, subjectId: String, municipality: String, reason: Reason,
                coordinatorReason: CoordinatorReason? = nil, releaseDate: CalendarDate? = nil,
                coverage: [Coverage], closedAt: Date) {
        self.caseId = caseId
        self.subjectId = subjectId
        self.municipality = municipality
        self.reason = reason
        self.coordinatorReason = coordinatorReason
        self.releaseDate = releaseDate
        self.coverage = coverage
        self.closedAt = closedAt
    }
}
