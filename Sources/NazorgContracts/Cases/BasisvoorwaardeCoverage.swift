/// Whether one basisvoorwaarde was in place at a moment of the case (release day, closure).
public struct BasisvoorwaardeCoverage: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// In place: the plan said arranged, or its task was completed.
        case arranged
        /// Still open: needed or unknown, and no task completed it.
        case open
        /// The plan said it does not apply.
        case notApplicable = "not-applicable"
        /// No D&R plan said anything about it.
        case unknown
    }

    public var domain: Domain
    public var state: State

    public init(domain: Domain, state: State) {
        self.domain = domain
        self.state = state
    }
}
