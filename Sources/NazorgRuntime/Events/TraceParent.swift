/// A W3C Trace Context `traceparent` value: `00-<trace id>-<parent span id>-<flags>`.
///
/// One trace id follows a case across every service; each hop gets a new span id.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits, never all zeros.
    public let traceID: String
    /// 16 lowercase hex digits, never all zeros.
    public let spanID: String
    public let sampled: Bool

    /// Parses a header value; nil when it does not follow the version-00 format.
    public init?(_ header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[3].count == 2,
              Self.isHex(parts[1], count: 32), Self.isHex(parts[2], count: 16),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }),
              let flags = UInt8(parts[3], radix: 16) else { return nil }
        traceID = String(parts[1])
        spanID = String(parts[2])
        sampled = flags & 1 == 1
    }

    private init(traceID: String, spanID: String, sampled: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
    }

    /// Starts a new trace.
    public static func random() -> TraceParent {
        TraceParent(traceID: randomHex(bytes: 16), spanID: randomHex(bytes: 8), sampled: true)
    }

    /// The same trace, one hop further.
    public func child() -> TraceParent {
        TraceParent(traceID: traceID, spanID: Self.randomHex(bytes: 8), sampled: sampled)
    }

    public var description: String { "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")" }

    private static func isHex(_ s: Substring, count: Int) -> Bool {
        // Bytes, not Characters: "0" followed by a combining mark is one Character that a
        // character range would accept.
        s.utf8.count == count && s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    private static func randomHex(bytes: Int) -> String {
        // Eight random bytes per call of the system generator, not one.
        var generator = SystemRandomNumberGenerator()
        while true {
            var value: [UInt8] = []
            value.reserveCapacity(bytes)
            while value.count < bytes {
                let word = generator.next()
                for shift in stride(from: 0, to: min(64, (bytes - value.count) * 8), by: 8) {
                    value.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
                }
            }
            if value.contains(where: { $0 != 0 }) { return value.hexString }
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex, two digits a byte.
    public var hexString: String {
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = hexDigit(byte >> 4)
                out[2 * index + 1] = hexDigit(byte & 0x0F)
            }
            return bytes.count * 2
        }
    }
}

@inline(__always) private func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : 0x57 + nibble
}
