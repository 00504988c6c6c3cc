/// What the D&R plan says about one basisvoorwaarde.
public enum NeedStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Still needs work: a partner delivers it.
    case needed
    /// In place already.
    case arranged
    /// Nobody knows yet: the coordinator screens it.
    case unknown
    /// Does not apply to this person (for example no debts).
    case notApplicable = "not-applicable"
}
