import Foundation
import Synchronization

/// Checks for text that arrives in request bodies and headers.
///
/// Every API that takes text from outside uses these, so a value that passes one service
/// cannot break a log line, a CSV export or a partner's screen in another.
public enum InputText {
    /// True when `scalar` must never appear in submitted text: C0 controls (U+0000–U+001F,
    /// which includes NUL, tab, CR and LF), DEL, C1 controls (U+0080–U+009F), the line and
    /// paragraph separators U+2028/U+2029, and the Unicode bidirectional formatting controls
    /// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can make a name
    /// display as something else ("Trojan Source").
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x2028, 0x2029: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// True when `text` contains a scalar that ``isForbidden(_:)``.
    public static func containsForbidden(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isForbidden)
    }

    /// True only when the ICU regular expression `pattern` matches the whole of `text`.
    ///
    /// `String.range(of:options:.regularExpression)` with `^…$` is not enough: ICU's `$`
    /// also matches before a final line terminator, so `"ok\n"` would pass `^[a-z]+$`.
    /// Requiring the first match to span the entire string closes that gap whatever the anchors.
    ///
    /// Each pattern is compiled once and kept (``CompiledPatterns``): every request checks
    /// several fields, and Foundation's own per-call path builds a cache key by string
    /// interpolation and looks it up in a locked cache before it can match.
    public static func fullyMatches(_ text: String, pattern: String) -> Bool {
        guard let regex = CompiledPatterns.shared.regex(for: pattern) else { return false }
        let whole = NSRange(location: 0, length: text.utf16.count)
        guard let match = regex.firstMatch(in: text, options: [], range: whole) else { return false }
        return match.range == whole
    }

    /// `text` in Unicode Normalization Form C, so "e" + U+0301 and "é" are one spelling
    /// for length checks, comparisons and everything downstream.
    public static func composed(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }
}

/// Regular expressions compiled once per pattern. Patterns are the contract's fixed set, so
/// the table stays small; an `NSRegularExpression` is immutable and safe to share.
final class CompiledPatterns: Sendable {
    static let shared = CompiledPatterns()

    private let compiled = Mutex<[String: NSRegularExpression]>([:])

    /// The compiled `pattern`, or nil when it is not a valid ICU regular expression.
    func regex(for pattern: String) -> NSRegularExpression? {
        if let regex = compiled.withLock({ $0[pattern] }) { return regex }
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        compiled.withLock { $0[pattern] = regex }
        return regex
    }
}
