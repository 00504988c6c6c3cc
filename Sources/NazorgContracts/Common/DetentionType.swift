/// The title of a detention: it decides whether a release date can be known.
public enum DetentionType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Voorlopige hechtenis: pre-trial detention, which often has no release date.
    case remand
    /// A prison sentence, whose end is computed from the start.
    case sentence
    /// Any other title, such as substitute or civil detention.
    case other
}
