/// What a task asks of its owner.
public enum TaskType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deliver what one basisvoorwaarde needs (the partner of the domain).
    case deliver
    /// Find out what an `unknown` basisvoorwaarde needs (the municipality's coordinator).
    case screen
    /// The first conversation after release (eerste gesprek na vrijlating), within 48 hours
    /// (the municipality's coordinator). About the person, not one basisvoorwaarde: no domain.
    case firstContact = "first-contact"
}
