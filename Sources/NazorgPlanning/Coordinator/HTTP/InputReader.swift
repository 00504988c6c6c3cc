import Foundation
import NazorgContracts
import NazorgRuntime

/// Reads the fields of a coordinator's request (a JSON body, a form or a query string) and
/// collects one problem per bad field, by JSON pointer for a body (`/note`) and by name for
/// a query parameter. Problems name rules, never the value that broke them.
struct InputReader {
    /// The longest note, case note or escalation note, in code points after NFC.
    static let maximumNoteLength = 2000
    /// The longest reason for a reassignment.
    static let maximumReasonLength = 500

    let values: [String: Any]
    /// `/` for a JSON body, empty for query parameters and forms.
    let prefix: String
    private(set) var errors: [ProblemDetails.FieldError] = []

    init(values: [String: Any], prefix: String) {
        self.values = values
        self.prefix = prefix
    }

    /// A JSON body that must be an object.
    static func body(_ data: Data) throws -> InputReader {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ProblemDetails.invalidFields([.init(field: "", detail: "The body must be a JSON object.")])
        }
        return InputReader(values: object, prefix: "/")
    }

    func name(_ key: String) -> String { prefix + key }

    mutating func problem(_ key: String, _ detail: String) {
        errors.append(.init(field: name(key), detail: detail))
    }

    /// Every member not in `allowed` is refused; a name that is not a plain identifier is
    /// submitted data and is reported without repeating it.
    mutating func rejectUnknown(allowed: Set<String>) {
        var unnamed = false
        for key in values.keys.sorted() where !allowed.contains(key) {
            if InputText.fullyMatches(key, pattern: ContractPatterns.fieldName) {
                problem(key, "This field is not allowed here.")
            } else {
                unnamed = true
            }
        }
        if unnamed { errors.append(.init(field: prefix == "/" ? "" : "?", detail: "A field name is not allowed here.")) }
    }

    /// Throws the 422 problem when any field was bad.
    func finish() throws {
        if !errors.isEmpty { throw ProblemDetails.invalidFields(errors) }
    }

    private mutating func string(_ key: String, required: Bool) -> String? {
        guard let value = values[key], !(value is NSNull) else {
            if required { problem(key, "This field is required.") }
            return nil
        }
        guard let text = value as? String else {
            problem(key, "This field must be a string.")
            return nil
        }
        return text
    }

    /// Free text in NFC: 1 to `maximum` code points, not blank, no control or bidirectional
    /// formatting characters; line breaks and tabs only where `multiline`.
    mutating func text(_ key: String, required: Bool, maximum: Int, multiline: Bool) -> String? {
        guard let raw = string(key, required: required) else { return nil }
        let text = InputText.composed(raw)
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\r", "\t"] : []
        if text.unicodeScalars.contains(where: { InputText.isForbidden($0) && !allowed.contains($0) }) {
            problem(key, multiline ? "This text must not contain control characters (line breaks and tabs excepted) or bidirectional formatting characters."
                                   : "This text must not contain control characters, line breaks or bidirectional formatting characters.")
            return nil
        }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            problem(key, "This text must not be empty.")
            return nil
        }
        guard text.unicodeScalars.count <= maximum else {
            problem(key, "This text must be at most \(maximum) characters.")
            return nil
        }
        return text
    }

    /// One of a closed set of codes.
    mutating func code<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool) -> E?
        where E.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let value = E(rawValue: text) else {
            problem(key, "This must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        return value
    }

    /// A value that must match `pattern` in full (`rule` says what it must be).
    mutating func matching(_ key: String, pattern: String, rule: String, required: Bool) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard InputText.fullyMatches(text, pattern: pattern) else {
            problem(key, "This must be \(rule).")
            return nil
        }
        return text
    }

    /// A municipality code of the reference table.
    mutating func municipality(_ key: String) -> String? {
        guard let code = matching(key, pattern: #"\AGM[0-9]{4}\z"#, rule: "a municipality code such as GM0363", required: false)
        else { return nil }
        guard MunicipalityCodes.isKnown(code) else {
            problem(key, "This must be a known municipality code.")
            return nil
        }
        return code
    }

    /// A whole number in `range`, written as plain digits (a query parameter).
    mutating func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = matching(key, pattern: #"\A[0-9]{1,7}\z"#, rule: "a whole number from \(range.lowerBound) to \(range.upperBound)",
                                  required: false) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problem(key, "This must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            return nil
        }
        return value
    }

    /// `true` or `false` (a query parameter).
    mutating func boolean(_ key: String) -> Bool? {
        guard let text = string(key, required: false) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            problem(key, "This must be true or false.")
            return nil
        }
    }

    /// A case id (a UUID).
    mutating func uuid(_ key: String) -> UUID? {
        guard let text = matching(key, pattern: #"\A[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\z"#,
                                  rule: "a case id (UUID)", required: false) else { return nil }
        return UUID(uuidString: text)
    }
}
