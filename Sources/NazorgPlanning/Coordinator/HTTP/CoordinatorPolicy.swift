import Foundation
import NazorgContracts
import NazorgRuntime
import Yams

/// What the coordinator's own policy (`municipality-coordinator.yaml` among the partner
/// policies) lets the API and page show, and how a view is logged. Planning reads just
/// these keys; the filter owns the rest of the policy format.
public struct CoordinatorPolicy: Sendable, Equatable {
    /// The case fields a policy may allow, named as in the policy file.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case bsn, givenName, surname, birthDate, prisonCode, municipality, expectedReleaseDate, subjectId
    }

    /// The art. 30 processing activity a view is logged under.
    public var processingActivityId: String
    public var legalBasis: DisclosureLogged.LegalBasis
    public var fields: Set<Field>
    /// Basisvoorwaarden whose structured plan content (`details`) may be shown.
    public var details: Set<Domain>
    /// Basisvoorwaarden whose free-text plan remark may be shown.
    public var remarks: Set<Domain>

    public init(processingActivityId: String, legalBasis: DisclosureLogged.LegalBasis, fields: Set<Field>,
                details: Set<Domain> = [], remarks: Set<Domain> = []) {
        self.processingActivityId = processingActivityId
        self.legalBasis = legalBasis
        self.fields = fields
        self.details = details
        self.remarks = remarks
    }

    public static let fileName = "municipality-coordinator.yaml"

    /// Reads `municipality-coordinator.yaml` from the policy directory.
    public static func load(directory: String) throws -> CoordinatorPolicy {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the coordinator policy '\(path)' cannot be read; the coordinator API shows nothing without it")
        }
        return try parse(yaml: text, name: path)
    }

    public static func parse(yaml: String, name: String) throws -> CoordinatorPolicy {
        struct Document: Decodable {
            struct Activity: Decodable { var id: String }
            var role: String
            var processingActivity: Activity
            var legalBasis: String
            var fields: [String]
            var details: [String]?
            var remarks: [String]?
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw ConfigurationError("policy \(name) is not valid YAML of the policy shape: \(error)")
        }
        guard document.role == PartnerRole.municipalityCoordinator.rawValue else {
            throw ConfigurationError("policy \(name) is for role '\(document.role)', not municipality-coordinator")
        }
        guard let basis = DisclosureLogged.LegalBasis(rawValue: document.legalBasis) else {
            throw ConfigurationError("policy \(name) names unknown legal basis '\(document.legalBasis)'")
        }
        guard !document.processingActivity.id.isEmpty else {
            throw ConfigurationError("policy \(name) needs a processing activity id")
        }
        func set<T: RawRepresentable>(_ names: [String], _ what: String) throws -> Set<T> where T.RawValue == String {
            try Set(names.map { entry in
                guard let value = T(rawValue: entry) else { throw ConfigurationError("policy \(name) lists unknown \(what) '\(entry)'") }
                return value
            })
        }
        return CoordinatorPolicy(processingActivityId: document.processingActivity.id, legalBasis: basis,
                                 fields: try set(document.fields, "field"), details: try set(document.details ?? [], "domain"),
                                 remarks: try set(document.remarks ?? [], "domain"))
    }

    /// The person as this policy lets the coordinator see them.
    func person(_ person: Person) -> PersonJSON {
        PersonJSON(bsn: fields.contains(.bsn) ? person.bsn : nil,
                   givenName: fields.contains(.givenName) ? person.givenName : nil,
                   surname: fields.contains(.surname) ? person.surname : nil,
                   birthDate: fields.contains(.birthDate) ? person.birthDate : nil)
    }

    /// The field names a view of `person` shows, dotted as the disclosure log names them.
    func shownPersonFields(_ person: Person) -> [String] {
        var shown: [String] = []
        if fields.contains(.bsn) { shown.append("person.bsn") }
        if fields.contains(.givenName), person.givenName != nil { shown.append("person.givenName") }
        if fields.contains(.surname) { shown.append("person.surname") }
        if fields.contains(.birthDate) { shown.append("person.birthDate") }
        return shown
    }
}
