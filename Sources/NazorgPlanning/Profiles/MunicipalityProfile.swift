import NazorgContracts

/// How one municipality (or a safety region, or every municipality by default) runs
/// aftercare: its care level (*zorgniveau*). Which basisvoorwaarden it covers, when tasks
/// are due, how long partners have to answer, how long the case runs after release, how
/// long a task may wait for consent, the term for the D&R plan, and the alternative
/// measures it uses. Read from the profiles file (``MunicipalityProfiles``).
public struct MunicipalityProfile: Sendable, Hashable {
    /// The basisvoorwaarden the municipality arranges through the hub. A need of another
    /// domain gets no task: planning escalates `no-partner` once, and the coordinator
    /// arranges it outside the hub.
    public var covers: Set<Domain>
    public var rules: DeadlineRules
    /// Hours a partner has to accept or reject a task (a fraction for a trial or the demo).
    public var responseHours: ResponseHours
    /// Days after release that a case stays open at most.
    public var aftercareDays: Int
    /// Hours a task may wait for the person's consent before the coordinator is told.
    public var consentWaitHours: Double
    /// Working days after detention start within which the D&R plan must have come.
    public var planWorkingDays: Int
    /// The alternative measures the municipality uses, each planned as a `measure` task.
    public var measures: [MeasurePlan]

    public static let standard = MunicipalityProfile()

    public init(covers: Set<Domain> = Set(Domain.allCases), rules: DeadlineRules = .standard,
                responseHours: ResponseHours = ResponseHours(), aftercareDays: Int = 180, consentWaitHours: Double = 168,
                planWorkingDays: Int = 10, measures: [MeasurePlan] = []) {
        self.covers = covers
        self.rules = rules
        self.responseHours = responseHours
        self.aftercareDays = aftercareDays
        self.consentWaitHours = consentWaitHours
        self.planWorkingDays = planWorkingDays
        self.measures = measures
    }

    public func covers(_ domain: Domain) -> Bool { covers.contains(domain) }

    /// The plan of `measure`, when the municipality uses it.
    public func plan(of measure: AlternativeMeasure) -> MeasurePlan? { measures.first { $0.measure == measure } }
}

/// Hours to accept or reject a task: a partner's own term wins over its role's, the role's
/// over the default.
public struct ResponseHours: Sendable, Hashable {
    public var standard: Double
    public var roles: [PartnerRole: Double]
    public var partners: [String: Double]

    public init(standard: Double = 72, roles: [PartnerRole: Double] = [:], partners: [String: Double] = [:]) {
        self.standard = standard
        self.roles = roles
        self.partners = partners
    }

    public func hours(partnerId: String, role: PartnerRole) -> Double {
        partners[partnerId] ?? roles[role] ?? standard
    }
}

/// An alternative measure as a municipality plans it: who carries it out, by when, and
/// when the D&R plan calls for it.
public struct MeasurePlan: Sendable, Hashable {
    /// Who gets the task: a partner by id, or whoever has the role in the case's municipality.
    public enum Owner: Sendable, Hashable {
        case partner(String)
        case role(PartnerRole)
    }

    public var measure: AlternativeMeasure
    public var owner: Owner
    public var deadline: DeadlineRule
    public var condition: MeasureCondition

    public init(_ measure: AlternativeMeasure, owner: Owner, deadline: DeadlineRule, condition: MeasureCondition? = nil) {
        self.measure = measure
        self.owner = owner
        self.deadline = deadline
        self.condition = condition ?? MeasureCondition.standard(for: measure)
    }
}
