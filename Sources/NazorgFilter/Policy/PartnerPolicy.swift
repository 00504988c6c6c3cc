import Foundation
import NazorgContracts
import NazorgRuntime
import Yams

/// What one partner role may receive, under which processing activity and legal basis.
public struct PartnerPolicy: Sendable, Equatable {
    /// The fields of `TaskOffered.subject` a policy may allow.
    public enum Field: String, Sendable, CaseIterable, Codable {
        case bsn, givenName, surname, birthDate, prisonCode, municipality, expectedReleaseDate, subjectId
    }

    public var role: PartnerRole
    public var processingActivityId: String
    public var purpose: String
    public var legalBasis: DisclosureLogged.LegalBasis
    public var eventTypes: Set<EventType>
    public var fields: Set<Field>
    /// How exact the task's deadline is given, or nil to leave it out. A deadline derives
    /// from the expected release date, so it is exact only where that date is allowed.
    public var deadline: DeadlinePrecision?

    public init(role: PartnerRole, processingActivityId: String, purpose: String, legalBasis: DisclosureLogged.LegalBasis,
                eventTypes: Set<EventType>, fields: Set<Field>, deadline: DeadlinePrecision?) throws {
        if deadline == .day && !fields.contains(.expectedReleaseDate) {
            throw ConfigurationError("the policy for \(role.rawValue) gives the deadline to the day but not expectedReleaseDate; "
                                     + "a deadline derives from the release date, so give it by week or month, or leave it out")
        }
        self.role = role
        self.processingActivityId = processingActivityId
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.eventTypes = eventTypes
        self.fields = fields
        self.deadline = deadline
    }

    /// Disclosure needs the person's consent for the task's basisvoorwaarde.
    public var needsConsent: Bool { legalBasis == .consent }

    /// The person as this role may see them: allowed fields only, and the per-partner
    /// pseudonym instead of the hub-wide one.
    public func subject(of task: TaskAssigned, partnerSubjectId: String) -> TaskOffered.Subject {
        var s = TaskOffered.Subject()
        if fields.contains(.bsn) { s.bsn = task.person.bsn }
        if fields.contains(.givenName) { s.givenName = task.person.givenName }
        if fields.contains(.surname) { s.surname = task.person.surname }
        if fields.contains(.birthDate) { s.birthDate = task.person.birthDate }
        if fields.contains(.prisonCode) { s.prisonCode = task.prisonCode }
        if fields.contains(.municipality) { s.municipality = task.municipality }
        if fields.contains(.expectedReleaseDate) { s.expectedReleaseDate = task.expectedReleaseDate }
        if fields.contains(.subjectId) { s.subjectId = partnerSubjectId }
        return s
    }
}

/// Every role's policy, loaded from `Contracts/policies/*.yaml`. Default deny: a role
/// without a policy receives nothing.
public struct PolicySet: Sendable {
    public let policies: [PartnerRole: PartnerPolicy]

    public init(_ policies: [PartnerPolicy]) throws {
        var byRole: [PartnerRole: PartnerPolicy] = [:]
        for policy in policies {
            guard byRole[policy.role] == nil else {
                throw ConfigurationError("two policies are given for role \(policy.role.rawValue)")
            }
            byRole[policy.role] = policy
        }
        self.policies = byRole
    }

    public func policy(for role: PartnerRole) -> PartnerPolicy? { policies[role] }

    /// Parses one policy document; `name` is used in error messages.
    public static func parse(yaml: String, name: String) throws -> PartnerPolicy {
        struct Document: Decodable {
            struct Activity: Decodable { var id: String; var purpose: String }
            var role: String
            var processingActivity: Activity
            var legalBasis: String
            var eventTypes: [String]
            var fields: [String]
            var deadline: String?
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
        var types = Set<EventType>()
        for typeName in document.eventTypes {
            guard let type = EventType(rawValue: typeName), type == .taskAssigned else {
                throw ConfigurationError("policy \(name) lists event type '\(typeName)'; partners can receive TaskAssigned only")
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
                                     fields: fields, deadline: deadline)
        } catch let error as ConfigurationError {
            throw ConfigurationError("policy \(name): \(error.message)")
        }
    }

    /// Loads every `*.yaml` in `directory`.
    public static func load(directory: String) throws -> PolicySet {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ConfigurationError("the policy directory '\(directory)' cannot be read")
        }
        guard !files.isEmpty else { throw ConfigurationError("the policy directory '\(directory)' holds no *.yaml policy") }
        return try PolicySet(files.map { file in
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("policy \(file) cannot be read")
            }
            return try parse(yaml: text, name: file)
        })
    }
}
