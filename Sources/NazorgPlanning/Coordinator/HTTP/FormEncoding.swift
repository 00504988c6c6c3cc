import Foundation
import NazorgRuntime

/// `application/x-www-form-urlencoded` as the page's forms and the API's query strings send
/// it. Strict: a name given twice or a pair that does not decode is refused, so a request
/// cannot say two things at once.
enum FormEncoding {
    static func decode(_ text: String) throws -> [String: String] {
        var values: [String: String] = [:]
        var problems: [ProblemDetails.FieldError] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decodeComponent(parts[0]), let value = decodeComponent(parts.count > 1 ? parts[1] : "") else {
                problems.append(.init(field: "?", detail: "A parameter is not validly percent-encoded UTF-8."))
                continue
            }
            guard values.updateValue(value, forKey: name) == nil else {
                let field = InputText.fullyMatches(name, pattern: #"\A[A-Za-z][A-Za-z0-9_]{0,63}\z"#) ? name : "?"
                problems.append(.init(field: field, detail: "This parameter is given more than once."))
                continue
            }
        }
        if !problems.isEmpty { throw ProblemDetails.invalidFields(problems) }
        return values
    }

    /// `+` is a space; `%XX` a byte of UTF-8.
    private static func decodeComponent(_ component: Substring) -> String? {
        String(component).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Encodes one value for a URL query or a form.
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
