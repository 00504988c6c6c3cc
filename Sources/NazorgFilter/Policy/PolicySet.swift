import Crypto
import Foundation
import NazorgContracts
import NazorgRuntime
import Yams

/// Every role's policy, loaded from `Contracts/policies/*.yaml`. Default deny: a role
/// without a policy receives nothing.
public struct PolicySet: Sendable {
    public let policies: [PartnerRole: PartnerPolicy]
    /// What monitoring receives (`rcn-monitoring.yaml`); nil: monitoring receives nothing.
    public let monitoring: MonitoringPolicy?
    /// What the disclosure log names as the policy version: `sha256:` and the SHA-256 of the
    /// set's canonical form (``canonicalJSON``), so two sets that decide alike have one version,
    /// whatever their files' layout or comments, and any change to what they decide gives a new one.
    public let version: String

    public init(_ policies: [PartnerPolicy], monitoring: MonitoringPolicy? = nil) throws {
        var byRole: [PartnerRole: PartnerPolicy] = [:]
        for policy in policies {
            guard byRole[policy.role] == nil else {
                throw ConfigurationError("two policies are given for role \(policy.role.rawValue)")
            }
            byRole[policy.role] = policy
        }
        self.policies = byRole
        self.monitoring = monitoring
        version = "sha256:" + SHA256.hash(data: Self.canonicalJSON(of: byRole, monitoring: monitoring)).hexString
    }

    /// One policy file's content: a partner role's, or monitoring's.
    public enum Document: Sendable {
        case partner(PartnerPolicy)
        case monitoring(MonitoringPolicy)

        public var role: PartnerRole {
            switch self {
            case .partner(let policy): policy.role
            case .monitoring: .rcnMonitoring
            }
        }
    }

    /// A set from the documents of a directory: at most one per role.
    public init(documents: [Document]) throws {
        var partners: [PartnerPolicy] = []
        var monitoring: MonitoringPolicy?
        for document in documents {
            switch document {
            case .partner(let policy): partners.append(policy)
            case .monitoring(let policy):
                guard monitoring == nil else { throw ConfigurationError("two policies are given for role rcn-monitoring") }
                monitoring = policy
            }
        }
        try self.init(partners, monitoring: monitoring)
    }

    /// The set as JSON with sorted keys and sorted lists: the input of ``version``.
    public var canonicalJSON: Data { Self.canonicalJSON(of: policies, monitoring: monitoring) }

    private static func canonicalJSON(of policies: [PartnerRole: PartnerPolicy], monitoring: MonitoringPolicy?) -> Data {
        struct Canonical: Encodable {
            var role, processingActivityId, purpose, legalBasis: String
            var eventTypes, fields, details, remarks: [String]
            var deadline: String?
            /// Absent without transformations, so a set that has none keeps its version.
            var transform: [String: String]?
        }
        let list = policies.values.sorted { $0.role.rawValue < $1.role.rawValue }.map { p in
            Canonical(role: p.role.rawValue, processingActivityId: p.processingActivityId, purpose: p.purpose,
                      legalBasis: p.legalBasis.rawValue, eventTypes: p.eventTypes.map(\.rawValue).sorted(),
                      fields: p.fields.map(\.rawValue).sorted(), details: p.details.map(\.rawValue).sorted(),
                      remarks: p.remarks.map(\.rawValue).sorted(), deadline: p.deadline?.rawValue,
                      transform: p.transformEntries.isEmpty ? nil : p.transformEntries)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, lists and optionals only: encoding cannot fail. A set without monitoring
        // keeps the form (and so the version) it had before monitoring had a policy.
        guard let monitoring else { return (try? encoder.encode(list)) ?? Data() }
        struct WithMonitoring: Encodable {
            struct Monitoring: Encodable {
                var processingActivityId, purpose, legalBasis: String
                var observations: [String: String]
            }
            var partners: [Canonical]
            var monitoring: Monitoring
        }
        let both = WithMonitoring(partners: list, monitoring: .init(
            processingActivityId: monitoring.processingActivityId, purpose: monitoring.purpose,
            legalBasis: monitoring.legalBasis.rawValue,
            observations: Dictionary(uniqueKeysWithValues: monitoring.fields.map { ($0.key.rawValue, $0.value.rawValue) })))
        return (try? encoder.encode(both)) ?? Data()
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

    /// Parses one policy file, a partner role's or monitoring's (by its `role`).
    public static func parseDocument(yaml: String, name: String) throws -> Document {
        let role = (try? Yams.load(yaml: yaml) as? [String: Any])?["role"] as? String
        if role == PartnerRole.rcnMonitoring.rawValue { return .monitoring(try parseMonitoring(yaml: yaml, name: name)) }
        return .partner(try parse(yaml: yaml, name: name))
    }

    /// Parses monitoring's policy document.
    public static func parseMonitoring(yaml: String, name: String) throws -> MonitoringPolicy {
        struct Document: Decodable {
            struct Activity: Decodable { var id: String; var purpose: String }
            var role: String
            var processingActivity: Activity
            var legalBasis: String
            var eventTypes: [String]
            var observations: [String: String]
        }
        try refuseUnknownKeys(yaml, known: ["role", "processingActivity", "legalBasis", "eventTypes", "observations"],
                              shape: "the rcn-monitoring policy", name: name)
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw ConfigurationError("policy \(name) is not valid YAML of the rcn-monitoring policy shape: \(error)")
        }
        guard let basis = DisclosureLogged.LegalBasis(rawValue: document.legalBasis) else {
            throw ConfigurationError("policy \(name) names unknown legal basis '\(document.legalBasis)'")
        }
        guard !document.processingActivity.id.isEmpty else {
            throw ConfigurationError("policy \(name) needs a processing activity id")
        }
        guard document.eventTypes == [EventType.flowObserved.rawValue] else {
            throw ConfigurationError("policy \(name) must list eventTypes [FlowObserved]: monitoring receives nothing else")
        }
        var fields: [MonitoringPolicy.Field: MonitoringPolicy.Treatment] = [:]
        for (key, value) in document.observations.sorted(by: { $0.key < $1.key }) {
            guard let field = MonitoringPolicy.Field(rawValue: key) else {
                throw ConfigurationError("policy \(name) lists unknown observation field '\(key)'; known are "
                                         + MonitoringPolicy.Field.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let treatment = MonitoringPolicy.Treatment(rawValue: value) else {
                throw ConfigurationError("policy \(name) gives '\(key)' treatment '\(value)'; use pass or pseudonymise")
            }
            fields[field] = treatment
        }
        do {
            return try MonitoringPolicy(processingActivityId: document.processingActivity.id,
                                        purpose: document.processingActivity.purpose, legalBasis: basis, fields: fields)
        } catch let error as ConfigurationError {
            throw ConfigurationError("policy \(name): \(error.message)")
        }
    }

    /// Parses one partner role's policy document; `name` is used in error messages.
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
            var transform: [String: String]?
        }
        // A misspelt key must not be ignored: `remark:` for `remarks:` would quietly decide otherwise.
        try refuseUnknownKeys(yaml, known: ["role", "processingActivity", "legalBasis", "eventTypes", "fields", "details",
                                            "remarks", "deadline", "transform"],
                              shape: "a policy", name: name)
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw ConfigurationError("policy \(name) is not valid YAML of the policy shape: \(error)")
        }
        guard let role = PartnerRole(rawValue: document.role) else {
            throw ConfigurationError("policy \(name) names unknown role '\(document.role)'")
        }
        guard role != .rcnMonitoring else {
            throw ConfigurationError("policy \(name) is monitoring's: it lists observations, not partner fields")
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
                                     fields: fields, details: details, remarks: remarks, deadline: deadline,
                                     transform: document.transform ?? [:])
        } catch let error as ConfigurationError {
            throw ConfigurationError("policy \(name): \(error.message)")
        }
    }

    /// Refuses a key the policy shape does not have, at the top or in `processingActivity`.
    private static func refuseUnknownKeys(_ yaml: String, known: Set<String>, shape: String, name: String) throws {
        guard let tree = try? Yams.load(yaml: yaml) as? [String: Any] else { return }
        if let key = tree.keys.filter({ !known.contains($0) }).sorted().first {
            throw ConfigurationError("policy \(name) has unknown key '\(key)'; \(shape) has "
                                     + known.sorted().joined(separator: ", "))
        }
        if let activity = tree["processingActivity"] as? [String: Any],
           let key = activity.keys.filter({ $0 != "id" && $0 != "purpose" }).sorted().first {
            throw ConfigurationError("policy \(name) has unknown key 'processingActivity.\(key)'; it has id and purpose")
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
