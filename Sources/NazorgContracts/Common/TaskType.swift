/// What a task asks of its owner.
public enum TaskType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deliver what one basisvoorwaarde needs (the partner of the domain).
    case deliver
    /// Find out what an `unknown` basisvoorwaarde needs (the municipality's coordinator).
    case screen
    /// The first conversation after release (eerste gesprek na vrijlating), within 48 hours
    /// (the municipality's coordinator). About the person, not one basisvoorwaarde: no domain.
    case firstContact = "first-contact"
    /// An alternative measure of the municipality's profile (``AlternativeMeasure``), such as
    /// continuing the rent during detention; its domain is the basisvoorwaarde it protects.
    case measure
}

/// The alternative measures a municipality may use (seed 002, Leidschendam-Voorburg), each a
/// plan item with its own owner and deadline.
public enum AlternativeMeasure: String, Sendable, Hashable, Codable, CaseIterable {
    /// Keep paying the rent during detention so the home is kept (housing).
    case rentContinuation = "rent-continuation"
    /// Revive a benefit suspended during detention instead of a new application (income).
    case benefitRevival = "benefit-revival"
    /// Exempt the person from the kostendelersnorm when they return to a shared household (income).
    case kostendelersnormExemption = "kostendelersnorm-exemption"

    /// The basisvoorwaarde the measure protects.
    public var domain: Domain {
        switch self {
        case .rentContinuation: return .housing
        case .benefitRevival, .kostendelersnormExemption: return .income
        }
    }
}
