import Foundation
import NazorgContracts

/// Reads typed fields out of a decoded JSON object and collects a problem per bad field.
struct FieldReader {
    let object: [String: Any]
    let prefix: String
    private(set) var problems: [NoticeRequest.FieldProblem] = []

    init(object: [String: Any], prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    mutating func problem(_ pointer: String, _ detail: String) {
        problems.append(NoticeRequest.FieldProblem(pointer: pointer, detail: detail))
    }

    private func pointer(_ key: String) -> String { "\(prefix)/\(key)" }

    mutating func rejectUnknown(allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            problem(pointer(key), "is not a field of this notice type")
        }
    }

    private mutating func raw(_ key: String, required: Bool) -> Any? {
        guard let value = object[key], !(value is NSNull) else {
            if required { problem(pointer(key), "is required") }
            return nil
        }
        return value
    }

    mutating func string(_ key: String, required: Bool = true, pattern: String? = nil, rule: String = "") -> String? {
        guard let value = raw(key, required: required) else { return nil }
        guard let text = value as? String else {
            problem(pointer(key), "must be a string")
            return nil
        }
        if let pattern, text.range(of: pattern, options: .regularExpression) == nil {
            problem(pointer(key), "must be \(rule)")
            return nil
        }
        return text
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let text = string(key) else { return nil }
        guard let value = E(rawValue: text) else {
            problem(pointer(key), "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    mutating func date(_ key: String) -> CalendarDate? { parseDate(key, required: true) }
    mutating func optionalDate(_ key: String) -> CalendarDate? { parseDate(key, required: false) }

    private mutating func parseDate(_ key: String, required: Bool) -> CalendarDate? {
        guard let text = string(key, required: required) else { return nil }
        guard let date = CalendarDate(string: text) else {
            problem(pointer(key), "must be a real date as YYYY-MM-DD")
            return nil
        }
        return date
    }

    mutating func optionalTimestamp(_ key: String) -> Date? {
        guard let text = string(key, required: false) else { return nil }
        guard let date = ContractCoding.parseTimestamp(text) else {
            problem(pointer(key), "must be an RFC 3339 date-time")
            return nil
        }
        return date
    }

    mutating func municipality(_ key: String, on day: CalendarDate) -> String? {
        guard let code = string(key, pattern: "^GM[0-9]{4}$", rule: "a CBS municipality code like GM0363") else { return nil }
        guard MunicipalityCodes.isKnown(code, on: day) else {
            problem(pointer(key), "is not a current Dutch municipality code")
            return nil
        }
        return code
    }

    mutating func person(_ key: String) -> Person? {
        guard let value = raw(key, required: true) else { return nil }
        guard let nested = value as? [String: Any] else {
            problem(pointer(key), "must be an object")
            return nil
        }
        var reader = FieldReader(object: nested, prefix: pointer(key))
        reader.rejectUnknown(allowed: ["bsn", "givenName", "surname", "birthDate"])
        let bsn = reader.string("bsn", pattern: "^[0-9]{9}$", rule: "nine digits")
        if let bsn, !Bsn.isValid(bsn) { reader.problem(reader.pointer("bsn"), "fails the BSN check (elfproef)") }
        let givenName = reader.string("givenName", required: false, pattern: "^.{1,200}$", rule: "1 to 200 characters")
        let surname = reader.string("surname", pattern: "^.{1,200}$", rule: "1 to 200 characters")
        let birthDate = reader.date("birthDate")
        problems += reader.problems
        guard reader.problems.isEmpty, let bsn, let surname, let birthDate else { return nil }
        return Person(bsn: bsn, givenName: givenName, surname: surname, birthDate: birthDate)
    }

    mutating func needs(_ key: String) -> [Need] {
        guard let value = raw(key, required: true) else { return [] }
        guard let items = value as? [Any], (1...6).contains(items.count) else {
            problem(pointer(key), "must be an array of 1 to 6 needs")
            return []
        }
        var needs: [Need] = []
        for (index, item) in items.enumerated() {
            guard let nested = item as? [String: Any] else {
                problem(pointer("\(key)/\(index)"), "must be an object")
                continue
            }
            var reader = FieldReader(object: nested, prefix: pointer("\(key)/\(index)"))
            reader.rejectUnknown(allowed: ["domain", "status"])
            let domain = reader.enumeration("domain", Domain.self)
            let status = reader.enumeration("status", NeedStatus.self)
            problems += reader.problems
            if let domain, let status {
                if needs.contains(where: { $0.domain == domain }) {
                    problem(pointer("\(key)/\(index)/domain"), "names a basisvoorwaarde already listed")
                } else {
                    needs.append(Need(domain: domain, status: status))
                }
            }
        }
        return needs
    }

    mutating func domains(_ key: String) -> [Domain] {
        guard let value = raw(key, required: true) else { return [] }
        guard let items = value as? [Any] else {
            problem(pointer(key), "must be an array of basisvoorwaarden")
            return []
        }
        var domains: [Domain] = []
        for (index, item) in items.enumerated() {
            guard let text = item as? String, let domain = Domain(rawValue: text) else {
                problem(pointer("\(key)/\(index)"), "must be one of \(Domain.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if domains.contains(domain) {
                problem(pointer("\(key)/\(index)"), "is listed twice")
            } else {
                domains.append(domain)
            }
        }
        return domains
    }
}
