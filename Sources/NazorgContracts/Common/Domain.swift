/// A basisvoorwaarde: one of the basic conditions that should be in place on release day.
public enum Domain: String, Sendable, Hashable, Codable, CaseIterable {
    case id
    case housing
    case income
    case debts
    case care
    case network
}
