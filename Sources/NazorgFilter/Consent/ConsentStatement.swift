import Foundation
import NazorgContracts
import NazorgRuntime

/// A consent statement as a desk or coordinator sends it to `POST /v1/consents`: the person
/// (by BSN, taken only here and never logged or echoed), whether consent was given or
/// withdrawn, for which basisvoorwaarden, on which evidence, and optionally when the person
/// made it.
struct ConsentStatement: Sendable, Equatable {
    enum Decision: String, Sendable, CaseIterable {
        case given
        case withdrawn
    }

    var bsn: String
    var decision: Decision
    var domains: [Domain]
    var evidenceRef: String
    /// When the person made the statement (the form's moment); the receipt time otherwise.
    var statedAt: Date?

    static let fields: Set<String> = ["bsn", "decision", "domains", "evidenceRef", "statedAt"]
    /// A statement may be dated a little after the hub's clock (the caller's clock runs ahead).
    static let futureTolerance: TimeInterval = 300

    /// The statement in `body`, or every problem with it (field pointers, never values).
    static func parse(_ body: Data, now: Date) -> Result<ConsentStatement, ProblemDetails> {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            return .failure(.invalidRequest([.init(field: "", detail: "The body must be a JSON object.")]))
        }
        var problems: [ProblemDetails.FieldError] = []
        for key in object.keys.sorted() where !fields.contains(key) {
            problems.append(.init(field: "/" + pointerEscaped(key), detail: "Unknown field; the fields are \(fields.sorted().joined(separator: ", ")).")
            )
        }
        let bsn = object["bsn"] as? String
        if bsn.map(Bsn.isValid) != true {
            problems.append(.init(field: "/bsn", detail: "Required: nine digits passing the elfproef."))
        }
        let decision = (object["decision"] as? String).flatMap(Decision.init(rawValue:))
        if decision == nil {
            problems.append(.init(field: "/decision", detail: "Required: given or withdrawn."))
        }
        var domains: [Domain] = []
        if let list = object["domains"] as? [Any], !list.isEmpty {
            for (index, item) in list.enumerated() {
                guard let domain = (item as? String).flatMap(Domain.init(rawValue:)) else {
                    problems.append(.init(field: "/domains/\(index)", detail: "Not a basisvoorwaarde; one of \(Domain.allCases.map(\.rawValue).joined(separator: ", "))."))
                    continue
                }
                if domains.contains(domain) {
                    problems.append(.init(field: "/domains/\(index)", detail: "Named twice."))
                } else {
                    domains.append(domain)
                }
            }
        } else {
            problems.append(.init(field: "/domains", detail: "Required: a non-empty list of basisvoorwaarden."))
        }
        let evidenceRef = object["evidenceRef"] as? String
        if evidenceRef.map({ InputText.fullyMatches($0, pattern: #"\A[A-Za-z0-9._:-]{1,64}\z"#) }) != true {
            problems.append(.init(field: "/evidenceRef", detail: "Required: the reference of the signed form or record, 1 to 64 letters, digits, '.', '_', ':' or '-'."))
        }
        var statedAt: Date?
        if let value = object["statedAt"] {
            if let text = value as? String, let date = ContractCoding.parseTimestamp(text) {
                if date.timeIntervalSince(now) > futureTolerance {
                    problems.append(.init(field: "/statedAt", detail: "Lies in the future."))
                }
                statedAt = date
            } else {
                problems.append(.init(field: "/statedAt", detail: "An RFC 3339 timestamp with a time zone, such as 2027-01-04T10:00:00Z."))
            }
        }
        guard problems.isEmpty, let bsn, let decision, let evidenceRef else { return .failure(.invalidRequest(problems)) }
        return .success(ConsentStatement(bsn: bsn, decision: decision, domains: domains, evidenceRef: evidenceRef,
                                         statedAt: statedAt))
    }

    private static func pointerEscaped(_ key: String) -> String {
        String(key.prefix(64)).replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The id of the event for one basisvoorwaarde: the same statement sent again (a retry,
    /// or the desk and the coordinator recording the same form) is the same event, which the
    /// filter applies once. Consent given again after a withdrawal needs a new form.
    func consentId(subjectId: String, domain: Domain) -> String {
        DeterministicID.string("consent-statement", subjectId, decision.rawValue, domain.rawValue, evidenceRef)
    }
}
