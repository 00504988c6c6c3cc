/// A burgerservicenummer that passed the elfproef.
///
/// Payloads carry the BSN as a plain string (see ``Person/bsn``); use this type at the
/// edges to validate input. Never log the value.
public struct Bsn: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// Creates a BSN when `value` passes ``isValid(_:)``.
    public init?(_ value: String) {
        guard Bsn.isValid(value) else { return nil }
        self.value = value
    }

    /// True for exactly nine ASCII digits, not all zero, whose weighted sum
    /// 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11 (the elfproef).
    public static func isValid(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        guard bytes.count == 9 else { return false }
        var sum = 0
        var allZero = true
        for (index, byte) in bytes.enumerated() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            let digit = Int(byte - UInt8(ascii: "0"))
            if digit != 0 { allZero = false }
            sum += index == 8 ? -digit : digit * (9 - index)
        }
        return !allZero && sum % 11 == 0
    }

    /// Redacted, so a BSN never ends up in a log line by accident.
    public var description: String { "Bsn(redacted)" }
}
