import Hummingbird

extension Request {
    /// Throws a 415 problem unless the body is declared as `application/json`. Parameters
    /// are allowed (`application/json; charset=utf-8`), but a charset other than UTF-8 is
    /// not: JSON between systems is UTF-8 (RFC 8259).
    public func requireJSONContentType() throws {
        guard let value = headers[.contentType], MediaType.isJSON(value) else {
            throw ProblemDetails.unsupportedMediaType
        }
    }
}

enum MediaType {
    /// True for `application/json` with optional parameters, compared case-insensitively.
    static func isJSON(_ value: String) -> Bool {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        guard let type = parts.first, trimmed(type).lowercased() == "application/json" else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, !trimmed(pair[0]).isEmpty else { return false }
            if trimmed(pair[0]).lowercased() == "charset" {
                var charset = trimmed(pair[1])
                if charset.count >= 2, charset.hasPrefix("\""), charset.hasSuffix("\"") { charset = String(charset.dropFirst().dropLast()) }
                guard charset.lowercased() == "utf-8" else { return false }
            }
        }
        return true
    }

    /// Without the optional whitespace (spaces and tabs) HTTP allows around tokens.
    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
