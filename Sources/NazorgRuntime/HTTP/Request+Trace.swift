import Hummingbird
import HTTPTypes

extension Request {
    /// The caller's trace, continued one hop, or a new trace when the caller sent none or
    /// sent one that is not a plain ASCII version-00 `traceparent`.
    public var continuedTrace: TraceParent {
        guard let name = HTTPField.Name("traceparent"), let value = headers[name],
              value.utf8.count == 55, value.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || isLowerHex($0) }),
              let parent = TraceParent(value) else { return .random() }
        return parent.child()
    }
}

private func isLowerHex(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
}
