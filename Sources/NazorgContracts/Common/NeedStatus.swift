/// Whether the D&R plan says a basisvoorwaarde still needs work.
public enum NeedStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case needed
    case arranged
    case unknown
}
