import Foundation
import NazorgContracts
import Yams

/// The partner organisations the hub knows: who they are, what they do, where, and how
/// to reach them. Read from a YAML file (see `deploy/partners.example.yaml`).
public struct PartnerDirectory: Sendable {
    public struct Partner: Sendable, Codable, Equatable {
        /// Lowercase id, used in topic names: `partner.<id>.tasks.v1`.
        public var id: String
        public var name: String
        public var role: PartnerRole
        /// The basisvoorwaarden this partner delivers.
        public var domains: [Domain]
        /// Municipality codes served, or `["*"]` for all.
        public var municipalities: [String]
        /// Where the adapters deliver task offers (HTTP POST).
        public var webhook: String?

        public init(id: String, name: String, role: PartnerRole, domains: [Domain], municipalities: [String], webhook: String?) {
            self.id = id
            self.name = name
            self.role = role
            self.domains = domains
            self.municipalities = municipalities
            self.webhook = webhook
        }

        public func serves(_ municipality: String) -> Bool {
            municipalities.contains("*") || municipalities.contains(municipality)
        }
    }

    public let partners: [Partner]

    public init(partners: [Partner]) throws {
        var seen = Set<String>()
        for partner in partners {
            guard Topics.isValidPartnerId(partner.id) else {
                throw ConfigurationError("partner id '\(partner.id)' must be 2-41 lowercase letters, digits or '-'")
            }
            guard seen.insert(partner.id).inserted else {
                throw ConfigurationError("partner id '\(partner.id)' appears twice in the partner directory")
            }
            for code in partner.municipalities where code != "*" && !MunicipalityCodes.isKnown(code) {
                throw ConfigurationError("partner '\(partner.id)' names unknown municipality code '\(code)'")
            }
            if let webhook = partner.webhook, URL(string: webhook)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                throw ConfigurationError("partner '\(partner.id)' has a webhook that is not an http(s) URL")
            }
        }
        self.partners = partners
    }

    /// Parses the YAML document `partners: [...]`.
    public init(yaml: String) throws {
        struct File: Decodable { var partners: [Partner] }
        do {
            try self.init(partners: try YAMLDecoder().decode(File.self, from: yaml).partners)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("the partner directory is not valid: \(error)")
        }
    }

    public init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the partner directory '\(path)' cannot be read")
        }
        try self.init(yaml: text)
    }

    public func partner(id: String) -> Partner? { partners.first { $0.id == id } }

    /// Each partner's name by its id.
    public var names: [String: String] { partners.reduce(into: [:]) { $0[$1.id] = $1.name } }

    /// The partner that delivers `domain` in `municipality`; a partner for that very
    /// municipality wins over one that serves all.
    public func partner(for domain: Domain, in municipality: String) -> Partner? {
        let candidates = partners.filter { $0.domains.contains(domain) && $0.serves(municipality) }
        return candidates.first { $0.municipalities.contains(municipality) } ?? candidates.first
    }

    /// The aftercare coordinator (or RCN) serving `municipality`: who screens unknown
    /// basisvoorwaarden and holds the first conversation after release. One for that very
    /// municipality wins over one that serves all.
    public func coordinator(for municipality: String) -> Partner? {
        let candidates = partners.filter { $0.role == .municipalityCoordinator && $0.serves(municipality) }
        return candidates.first { $0.municipalities.contains(municipality) } ?? candidates.first
    }
}
