import Foundation
import NazorgContracts
import NazorgRuntime

/// Reads typed fields out of a decoded JSON object and collects a problem per bad field.
///
/// Every text value passes the same gate before anything else looks at it: it must be a
/// string without control or bidirectional formatting characters (``InputText``), and a
/// pattern must match the whole string, not a prefix before a final newline.
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

    func pointer(_ key: String) -> String { "\(prefix)/\(key)" }

    /// Takes over the problems a reader of a nested object found.
    mutating func absorb(_ nested: FieldReader) {
        problems += nested.problems
    }

    /// Names each unknown field by its pointer when its name is a plain identifier; any other
    /// name (digits, spaces, control characters, a BSN used as a key) is submitted data and is
    /// reported at the enclosing object without repeating it.
    mutating func rejectUnknown(allowed: Set<String>) {
        var unnamed = false
        for key in object.keys.sorted() where !allowed.contains(key) {
            if InputText.fullyMatches(key, pattern: NoticePatterns.fieldName) {
                problem(pointer(key), "is not a field of this notice type")
            } else {
                unnamed = true
            }
        }
        if unnamed { problem(prefix, "has a field name that is not part of this notice type") }
    }

    /// True when the field is missing or null.
    func isAbsent(_ key: String) -> Bool {
        object[key] == nil || object[key] is NSNull
    }

    mutating func raw(_ key: String, required: Bool) -> Any? {
        guard let value = object[key], !(value is NSNull) else {
            if required { problem(pointer(key), "is required") }
            return nil
        }
        return value
    }

    /// A text field: a string, free of forbidden characters, matching `pattern` in full.
    mutating func string(_ key: String, required: Bool = true, pattern: String? = nil, rule: String = "") -> String? {
        guard let value = raw(key, required: required) else { return nil }
        guard let text = value as? String else {
            problem(pointer(key), "must be a string")
            return nil
        }
        return checked(text, at: pointer(key), pattern: pattern, rule: rule)
    }

    mutating func checked(_ text: String, at pointer: String, pattern: String? = nil, rule: String = "") -> String? {
        if InputText.containsForbidden(text) {
            problem(pointer, "must not contain control characters or bidirectional formatting characters")
            return nil
        }
        if let pattern, !InputText.fullyMatches(text, pattern: pattern) {
            problem(pointer, "must be \(rule)")
            return nil
        }
        return text
    }

    /// A person's name, in Unicode NFC, 1 to 200 characters (code points, as JSON Schema
    /// counts them), not blank.
    mutating func name(_ key: String, required: Bool) -> String? {
        guard let text = string(key, required: required) else { return nil }
        let name = InputText.composed(text)
        guard (1...NoticePatterns.maximumNameLength).contains(name.unicodeScalars.count) else {
            problem(pointer(key), "must be 1 to \(NoticePatterns.maximumNameLength) characters")
            return nil
        }
        guard name.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            problem(pointer(key), "must not be blank")
            return nil
        }
        return name
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type,
                                                                  required: Bool = true) -> E? where E.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let value = E(rawValue: text) else {
            problem(pointer(key), "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A `YYYY-MM-DD` date that `plausible` does not object to (it returns the broken rule).
    mutating func date(_ key: String, required: Bool = true, plausible: (CalendarDate) -> String?) -> CalendarDate? {
        guard let text = string(key, required: required) else { return nil }
        guard let date = CalendarDate(string: text) else {
            problem(pointer(key), "must be a real date as YYYY-MM-DD")
            return nil
        }
        if let rule = plausible(date) {
            problem(pointer(key), rule)
            return nil
        }
        return date
    }

    /// A JSON `true` or `false`; numbers are refused even though Foundation would read 1 as true.
    mutating func boolean(_ key: String, required: Bool = true) -> Bool? {
        guard let value = raw(key, required: required) else { return nil }
        // JSONSerialization hands out booleans and numbers alike as NSNumber; only a JSON
        // boolean has the type code of a C char.
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
            problem(pointer(key), "must be true or false")
            return nil
        }
        return number.boolValue
    }

    /// An RFC 3339 date-time with its offset that `plausible` does not object to.
    mutating func timestamp(_ key: String, required: Bool = true, plausible: (Date) -> String?) -> Date? {
        guard let text = string(key, required: required, pattern: NoticePatterns.timestamp,
                                rule: "an RFC 3339 date-time such as 2026-11-23T06:31:00Z") else { return nil }
        guard let date = ContractCoding.parseTimestamp(text) else {
            problem(pointer(key), "must be an RFC 3339 date-time")
            return nil
        }
        if let rule = plausible(date) {
            problem(pointer(key), rule)
            return nil
        }
        return date
    }

    /// A CBS municipality code valid on `day`; with `day` nil, also one that has ended (a
    /// merger may have ended the municipality a case was opened in).
    mutating func municipality(_ key: String, required: Bool = true, on day: CalendarDate?) -> String? {
        guard let code = string(key, required: required, pattern: NoticePatterns.municipality,
                                rule: "a CBS municipality code like GM0363") else {
            return nil
        }
        guard MunicipalityCodes.isKnown(code, on: day) else {
            problem(pointer(key), day == nil ? "is not a Dutch municipality code" : "is not a current Dutch municipality code")
            return nil
        }
        return code
    }

    mutating func person(_ key: String, dates: PlausibleDates) -> Person? {
        guard let value = raw(key, required: true) else { return nil }
        guard let nested = value as? [String: Any] else {
            problem(pointer(key), "must be an object")
            return nil
        }
        var reader = FieldReader(object: nested, prefix: pointer(key))
        reader.rejectUnknown(allowed: ["bsn", "givenName", "surname", "birthDate"])
        let bsn = reader.string("bsn", pattern: NoticePatterns.bsn, rule: "nine digits")
        if let bsn, !Bsn.isValid(bsn) { reader.problem(reader.pointer("bsn"), "fails the BSN check (elfproef)") }
        let givenName = reader.name("givenName", required: false)
        let surname = reader.name("surname", required: true)
        let birthDate = reader.date("birthDate", plausible: dates.problem(birthDate:))
        problems += reader.problems
        guard reader.problems.isEmpty, let bsn, let surname, let birthDate else { return nil }
        return Person(bsn: bsn, givenName: givenName, surname: surname, birthDate: birthDate)
    }

    mutating func domains(_ key: String) -> [Domain] {
        list(key, Domain.self, noun: "basisvoorwaarden") ?? []
    }

    /// An array of distinct values of `E` (named `noun` in the problem), nil when the field
    /// is missing or not an array; a bad or repeated item is reported by its pointer.
    mutating func list<E: RawRepresentable & CaseIterable & Equatable>(_ key: String, _ type: E.Type,
                                                                        noun: String) -> [E]? where E.RawValue == String {
        guard let value = raw(key, required: true) else { return nil }
        guard let items = value as? [Any] else {
            problem(pointer(key), "must be an array of \(noun)")
            return nil
        }
        var values: [E] = []
        for (index, item) in items.enumerated() {
            let at = pointer("\(key)/\(index)")
            guard let text = item as? String else {
                problem(at, "must be a string")
                continue
            }
            guard let checked = checked(text, at: at) else { continue }
            guard let value = E(rawValue: checked) else {
                problem(at, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            if values.contains(value) {
                problem(at, "is listed twice")
            } else {
                values.append(value)
            }
        }
        return values
    }
}

/// The patterns of the notice contract (`Contracts/schemas/common.json`), anchored with
/// `\A…\z`; ``InputText/fullyMatches(_:pattern:)`` also insists on a whole-string match.
/// Only ASCII classes: ICU's `\d` would also accept other scripts' digits.
enum NoticePatterns {
    static let noticeId = ContractPatterns.identifier
    static let municipality = #"\AGM[0-9]{4}\z"#
    static let prisonCode = #"\A[A-Z0-9-]{2,24}\z"#
    static let bsn = #"\A[0-9]{9}\z"#
    static let timestamp = #"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})\z"#
    /// Field names intake repeats in a pointer; anything else is not echoed.
    static let fieldName = ContractPatterns.fieldName
    static let maximumNameLength = 200
}
