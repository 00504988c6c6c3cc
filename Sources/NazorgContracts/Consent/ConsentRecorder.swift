/// Who recorded a person's consent statement through the hub's consent API: the account
/// (a desk's or coordinator's token name, never a person's name) and its role.
public struct ConsentRecorder: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// The reintegration desk of a prison (PI), scoped to its prisons.
        case piDesk = "pi-desk"
        /// A municipality's aftercare coordinator, scoped to its municipalities.
        case municipalityCoordinator = "municipality-coordinator"
    }

    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}
