import Foundation
import NazorgContracts
import NazorgRuntime

/// How a policy changes one part of a partner message on the way, named by a JSON Pointer
/// into the message (`transform:` in the policy file):
///
/// - `/subject/birthDate`: `generalise-year` or `generalise-month`;
/// - `/subject/expectedReleaseDate`: `generalise-week` or `generalise-month`;
/// - `/details/<basisvoorwaarde>/<member>`: `drop`, for a member of that content a partner may
///   do without (`FieldTransform.droppableMembers`).
///
/// The field must be one the policy gives (listed in `fields`, or its basisvoorwaarde in
/// `details`): a transformation narrows what a policy allows, never widens it. A field not
/// listed is not sent at all; that needs no transformation.
public enum FieldTransform: Sendable, Equatable, Hashable {
    case generalise(DatePrecision)
    case drop

    /// The spelling in policy files and in the disclosure log.
    public var name: String {
        switch self {
        case .generalise(let precision): "generalise-\(precision.rawValue)"
        case .drop: "drop"
        }
    }

    init?(name: String) {
        if name == "drop" { self = .drop; return }
        guard name.hasPrefix("generalise-"), let precision = DatePrecision(rawValue: String(name.dropFirst("generalise-".count)))
        else { return nil }
        self = .generalise(precision)
    }

    /// What the disclosure log calls it.
    var logged: DisclosureLogged.Transformation {
        switch self {
        case .generalise(.week): .generaliseWeek
        case .generalise(.month): .generaliseMonth
        case .generalise(.year): .generaliseYear
        case .drop: .drop
        }
    }

    /// The generalisations each date of the person may take.
    static let dateGeneralisations: [PartnerPolicy.Field: Set<DatePrecision>] = [
        .birthDate: [.year, .month], .expectedReleaseDate: [.week, .month],
    ]

    /// The optional members of each basisvoorwaarde's content: a partner's copy may go without them.
    public static let droppableMembers: [Domain: Set<String>] = [
        .id: ["documentType"], .housing: ["tenancyAtRisk", "wishesMunicipality"],
        .debts: ["estimatedRange", "underAdministration"], .care: ["healthInsured"],
    ]

    /// One entry of a policy's `transform:` map, checked against what the policy gives.
    enum Target: Sendable, Hashable {
        case subject(PartnerPolicy.Field)
        case detail(Domain, String)

        /// The disclosure log's dotted name of the target.
        var loggedName: String {
            switch self {
            case .subject(let field): "subject.\(field.rawValue)"
            case .detail(let domain, let member): "details.\(domain.rawValue).\(member)"
            }
        }
    }

    /// Reads a policy's `transform:` map: every pointer a part of the message the policy
    /// gives, every treatment one that part may take. Errors name the pointer, for the operator.
    static func parse(_ entries: [String: String], fields: Set<PartnerPolicy.Field>, details: Set<Domain>)
        throws -> [Target: FieldTransform] {
        var out: [Target: FieldTransform] = [:]
        for (pointer, treatmentName) in entries.sorted(by: { $0.key < $1.key }) {
            guard let treatment = FieldTransform(name: treatmentName) else {
                throw ConfigurationError("transform \(pointer): '\(treatmentName)' is not a treatment; use generalise-year, "
                                         + "generalise-month, generalise-week or drop")
            }
            let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard tokens.first == "", tokens.count >= 3 else {
                throw ConfigurationError("transform \(pointer) is not a JSON Pointer to a part of a partner message "
                                         + "(/subject/<field> or /details/<basisvoorwaarde>/<member>)")
            }
            switch (tokens[1], tokens.count) {
            case ("subject", 3):
                guard let field = PartnerPolicy.Field(rawValue: tokens[2]), fields.contains(field) else {
                    throw ConfigurationError("transform \(pointer) names a subject field the policy does not list in fields")
                }
                guard case .generalise(let precision) = treatment, dateGeneralisations[field]?.contains(precision) == true else {
                    let allowed = dateGeneralisations[field].map { $0.map { "generalise-\($0.rawValue)" }.sorted().joined(separator: " or ") }
                    throw ConfigurationError("transform \(pointer) cannot be \(treatmentName)"
                                             + (allowed.map { "; this field takes \($0)" } ?? "; this field can only be listed or left out"))
                }
                out[.subject(field)] = treatment
            case ("details", 4):
                guard let domain = Domain(rawValue: tokens[2]), details.contains(domain) else {
                    throw ConfigurationError("transform \(pointer) names content of a basisvoorwaarde the policy does not list in details")
                }
                guard droppableMembers[domain]?.contains(tokens[3]) == true else {
                    throw ConfigurationError("transform \(pointer) names no optional member of the \(domain.rawValue) content")
                }
                guard treatment == .drop else {
                    throw ConfigurationError("transform \(pointer) cannot be \(treatmentName); content members can only be dropped")
                }
                out[.detail(domain, tokens[3])] = treatment
            default:
                throw ConfigurationError("transform \(pointer) is not a part of a partner message a policy can transform "
                                         + "(/subject/<field> or /details/<basisvoorwaarde>/<member>)")
            }
        }
        return out
    }
}

extension NeedDetails {
    /// This content without `member` of `domain` (one of ``FieldTransform/droppableMembers``).
    func dropping(_ member: String, of domain: Domain) -> NeedDetails {
        var out = self
        switch (domain, member) {
        case (.id, "documentType"): out.id?.documentType = nil
        case (.housing, "tenancyAtRisk"): out.housing?.tenancyAtRisk = nil
        case (.housing, "wishesMunicipality"): out.housing?.wishesMunicipality = nil
        case (.debts, "estimatedRange"): out.debts?.estimatedRange = nil
        case (.debts, "underAdministration"): out.debts?.underAdministration = nil
        case (.care, "healthInsured"): out.care?.healthInsured = nil
        default: break
        }
        return out
    }
}
