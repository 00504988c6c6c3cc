import Crypto
import Foundation
import NazorgContracts
import NazorgRuntime
import Yams

/// Every role's policy, loaded from `Contracts/policies/*.yaml`. Default deny: a role
/// without a policy receives nothing.
public struct PolicySet: Sendable {
    public let policies: [PartnerRole: PartnerPolicy]
    /// What the disclosure log names as the policy version: `sha256:` and the SHA-256 of the
    /// set's canonical form (``canonicalJSON``), so two sets that decide alike have one version,
    /// whatever their files' layout or comments, and any change to what they decide gives a new one.
    public let version: String

    public init(_ policies: [PartnerPolicy]) throws {
        var byRole: [PartnerRole: PartnerPolicy] = [:]
        for policy in policies {
            guard byRole[policy.role] == nil else {
                throw ConfigurationError("two policies are given for role \(policy.role.rawValue)")
            }
            byRole[policy.role] = policy
        }
        self.policies = byRole
        version = "sha256:" + SHA256.hash(data: Self.canonicalJSON(of: byRole)).hexString
    }

    /// The set as JSON with sorted keys and sorted lists: the input of ``version``.
    public var canonicalJSON: Data { Self.canonicalJSON(of: policies) }

    private static func canonicalJSON(of policies: [PartnerRole: PartnerPolicy]) -> Data {
        struct Canonical: Encodable {
            var role, processingActivityId, purpose, legalBasis: String
            var eventTypes, fields, details, remarks: [String]
            var deadline: String?
        }
        let list = policies.values.sorted { $0.role.rawValue < $1.role.rawValue }.map { p in
            Canonical(role: p.role.rawValue, processingActivityId: p.processingActivityId, purpose: p.purpose,
                      legalBasis: p.legalBasis.rawValue, eventTypes: p.eventTypes.map(\.rawValue).sorted(),
                      fields: p.fields.map(\.rawValue).sorted(), details: p.details.map(\.rawValue).sorted(),
                      remarks: p.remarks.map(\.rawValue).sorted(), deadline: p.deadline?.rawValue)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, lists and optionals only: encoding cannot fail.
        return (try? encoder.encode(list)) ?? Data()
    }

    public func policy(for role: PartnerRole) -> PartnerPolicy? { policies[role] }

    /// The policy that governs `task`: its partner's role's. A screening or first-contact
    /// task is the municipality coordinator's work; assigned to another role it gets none.
    /// An alternative measure is disclosed like a delivery of its basisvoorwaarde.
    public func policy(for task: TaskAssigned) -> PartnerPolicy? {
        policy(for: task.partnerRole, taskType: task.taskType)
    }

    public func policy(for role: PartnerRole, taskType: TaskType) -> PartnerPolicy? {
        switch taskType {
        case .deliver, .measure: return policies[role]
        case .screen, .firstContact: return role == .municipalityCoordinator ? policies[role] : nil
        }
    }

    /// Parses one policy document; `name` is used in error messages.
    public static func parse(yaml: String, name: String) throws -> PartnerPolicy {
        struct Document: Decodable {
            struct Activity: Decodable { var id: String; var purpose: String }
            var role: String
            var processingActivity: Activity
            var legalBasis: String
            var eventTypes: [String]
            var fields: [String]
            var details: [String]?
            var remarks: [String]?
            var deadline: String?
        }
        // A misspelt key must not be ignored: `remark:` for `remarks:` would quietly decide otherwise.
        if let tree = try? Yams.load(yaml: yaml) as? [String: Any] {
            let known: Set<String> = ["role", "processingActivity", "legalBasis", "eventTypes", "fields", "details",
                                      "remarks", "deadline"]
            if let key = tree.keys.filter({ !known.contains($0) }).sorted().first {
                throw ConfigurationError("policy \(name) has unknown key '\(key)'; a policy has "
                                         + known.sorted().joined(separator: ", "))
            }
            if let activity = tree["processingActivity"] as? [String: Any],
               let key = activity.keys.filter({ $0 != "id" && $0 != "purpose" }).sorted().first {
                throw ConfigurationError("policy \(name) has unknown key 'processingActivity.\(key)'; it has id and purpose")
            }
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw ConfigurationError("policy \(name) is not valid YAML of the policy shape: \(error)")
        }
        guard let role = PartnerRole(rawValue: document.role) else {
            throw ConfigurationError("policy \(name) names unknown role '\(document.role)'")
        }
        guard let basis = DisclosureLogged.LegalBasis(rawValue: document.legalBasis) else {
            throw ConfigurationError("policy \(name) names unknown legal basis '\(document.legalBasis)'")
        }
        guard !document.processingActivity.id.isEmpty else {
            throw ConfigurationError("policy \(name) needs a processing activity id")
        }
        let allowed = PartnerPolicy.partnerEventTypes.map(\.rawValue).joined(separator: ", ")
        var types = Set<EventType>()
        for typeName in document.eventTypes {
            if typeName == EventType.taskAssigned.rawValue {
                throw ConfigurationError("policy \(name) lists TaskAssigned, planning's event; list what the partner "
                                         + "receives instead: \(allowed)")
            }
            guard let type = EventType(rawValue: typeName), PartnerPolicy.partnerEventTypes.contains(type) else {
                throw ConfigurationError("policy \(name) lists event type '\(typeName)'; a partner can receive \(allowed) only")
            }
            types.insert(type)
        }
        var fields = Set<PartnerPolicy.Field>()
        for field in document.fields {
            guard let f = PartnerPolicy.Field(rawValue: field) else {
                throw ConfigurationError("policy \(name) lists unknown field '\(field)'")
            }
            fields.insert(f)
        }
        let details = try domains(document.details, key: "details", name: name)
        let remarks = try domains(document.remarks, key: "remarks", name: name)
        let deadline: DeadlinePrecision?
        switch document.deadline {
        case nil, "omit": deadline = nil
        case let text?:
            guard let precision = DeadlinePrecision(rawValue: text) else {
                throw ConfigurationError("policy \(name) gives deadline '\(text)'; use day, week, month or omit")
            }
            deadline = precision
        }
        do {
            return try PartnerPolicy(role: role, processingActivityId: document.processingActivity.id,
                                     purpose: document.processingActivity.purpose, legalBasis: basis, eventTypes: types,
                                     fields: fields, details: details, remarks: remarks, deadline: deadline)
        } catch let error as ConfigurationError {
            throw ConfigurationError("policy \(name): \(error.message)")
        }
    }

    private static func domains(_ names: [String]?, key: String, name: String) throws -> Set<Domain> {
        var domains = Set<Domain>()
        for text in names ?? [] {
            guard let domain = Domain(rawValue: text) else {
                throw ConfigurationError("policy \(name) lists unknown basisvoorwaarde '\(text)' under \(key)")
            }
            domains.insert(domain)
        }
        return domains
    }

    /// Loads every `*.yaml` in `directory`.
    public static func load(directory: String) throws -> PolicySet {
        try PolicyDirectory.read(directory).set
    }
}
