import NazorgContracts

/// The municipalities a caller's scopes name: municipality codes (`GM0599`), safety regions
/// (`VR17`: every current municipality of the region in Contracts/reference/gemeenten.csv)
/// or `*` (every municipality). Shared by the coordinator's accounts and the consent API.
public enum MunicipalityScopes {
    /// nil for `*`; throws ``ConfigurationError`` for a code that is neither a municipality
    /// nor a safety region.
    public static func municipalities(for scopes: [String]) throws -> Set<String>? {
        if scopes.contains("*") { return nil }
        var codes = Set<String>()
        for scope in scopes {
            if MunicipalityCodes.isKnown(scope) {
                codes.insert(scope)
                continue
            }
            let region = MunicipalityCodes.all.values.filter { $0.safetyRegion == scope && $0.validUntil == nil }
            guard !region.isEmpty else {
                throw ConfigurationError("scope '\(scope)' is neither a municipality code nor a safety region")
            }
            codes.formUnion(region.map(\.code))
        }
        return codes
    }
}
