import Foundation
import NazorgContracts
import NazorgRuntime
import Yams

/// Every municipality's profile (see `deploy/profiles.example.yaml`): a `default`, and under
/// `profiles` one per municipality code (`GM0599`) or safety region (`VR17`). A
/// municipality's own profile wins over its region's, the region's over the default; each
/// names only the keys that differ from the one it refines.
///
/// Checked whole at start-up: an unknown code, domain, role, partner, measure or condition,
/// a bad deadline rule, a negative or out-of-range number, a key given twice or a key
/// planning does not know stops planning with an error naming the profile and the key.
public struct MunicipalityProfiles: Sendable {
    /// The profile of every municipality without a profile of its own or of its region.
    public let standard: MunicipalityProfile
    /// Resolved profiles by municipality code and by safety region.
    private let municipalities: [String: MunicipalityProfile]
    private let regions: [String: MunicipalityProfile]

    public init(default profile: MunicipalityProfile = .standard, municipalities: [String: MunicipalityProfile] = [:],
                regions: [String: MunicipalityProfile] = [:]) {
        self.standard = profile
        self.municipalities = municipalities
        self.regions = regions
    }

    /// One profile for every municipality.
    public static func single(_ profile: MunicipalityProfile) -> MunicipalityProfiles {
        MunicipalityProfiles(default: profile)
    }

    /// The profile that applies to `municipality`.
    public func profile(for municipality: String) -> MunicipalityProfile {
        if let own = municipalities[municipality] { return own }
        if let region = MunicipalityCodes.municipality(municipality)?.safetyRegion, let profile = regions[region] { return profile }
        return standard
    }

    /// Every distinct profile in use: what a conservative query across municipalities uses.
    public var all: [MunicipalityProfile] { [standard] + Array(regions.values) + Array(municipalities.values) }

    /// The shortest aftercare period of any municipality.
    public var shortestAftercareDays: Int { all.map(\.aftercareDays).min() ?? standard.aftercareDays }

    public init(contentsOf path: String, directory: PartnerDirectory) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the municipality profiles '\(path)' cannot be read")
        }
        try self.init(yaml: text, directory: directory)
    }

    /// Parses and checks the profiles file; partner ids must be in `directory`.
    public init(yaml: String, directory: PartnerDirectory) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError("municipality profiles: the file is not YAML: \(error)")
        }
        guard let root else { throw ConfigurationError("municipality profiles: the file is empty") }
        let top = ProfileYAML(profile: "(file)")
        var defaultLayer: ProfileLayer?
        var layers: [(code: String, layer: ProfileLayer, isRegion: Bool)] = []
        for (key, value) in try top.mapping(root, key: "", allowed: ["default", "profiles"]) {
            if key == "default" {
                defaultLayer = try ProfileLayer(value, reader: ProfileYAML(profile: "default"), directory: directory)
                continue
            }
            for (code, node) in try top.mapping(value, key: "profiles") {
                let reader = ProfileYAML(profile: code)
                let isRegion: Bool
                if MunicipalityCodes.isKnown(code) {
                    isRegion = false
                } else if MunicipalityCodes.all.values.contains(where: { $0.safetyRegion == code }) {
                    isRegion = true
                } else {
                    throw ConfigurationError("municipality profiles: profile '\(code)' is neither a municipality code (GMxxxx) "
                                             + "nor a safety region (VRxx) of Contracts/reference/gemeenten.csv")
                }
                layers.append((code, try ProfileLayer(node, reader: reader, directory: directory), isRegion))
            }
        }
        let standard = defaultLayer.map { $0.applied(over: .standard) } ?? .standard
        try Self.check(standard, name: "default", municipality: nil, directory: directory)
        var regions: [String: MunicipalityProfile] = [:]
        for entry in layers where entry.isRegion {
            let profile = entry.layer.applied(over: standard)
            try Self.check(profile, name: entry.code, municipality: nil, directory: directory)
            regions[entry.code] = profile
        }
        var municipalities: [String: MunicipalityProfile] = [:]
        for entry in layers where !entry.isRegion {
            let region = MunicipalityCodes.municipality(entry.code).flatMap { regions[$0.safetyRegion] }
            let profile = entry.layer.applied(over: region ?? standard)
            try Self.check(profile, name: entry.code, municipality: entry.code, directory: directory)
            municipalities[entry.code] = profile
        }
        self.init(default: standard, municipalities: municipalities, regions: regions)
    }

    /// What can only be judged on a resolved profile: a measure must protect a
    /// basisvoorwaarde the profile covers, and a municipality's own measure owner must serve it.
    private static func check(_ profile: MunicipalityProfile, name: String, municipality: String?,
                              directory: PartnerDirectory) throws {
        let reader = ProfileYAML(profile: name)
        for (index, plan) in profile.measures.enumerated() {
            guard profile.covers(plan.measure.domain) else {
                throw reader.error("measures[\(index)]", "'\(plan.measure.rawValue)' protects \(plan.measure.domain.rawValue), "
                                   + "which the profile does not cover")
            }
            if let municipality, case .partner(let id) = plan.owner, directory.partner(id: id)?.serves(municipality) != true {
                throw reader.error("measures[\(index)].owner.partner", "'\(id)' does not serve \(municipality)")
            }
        }
    }
}
