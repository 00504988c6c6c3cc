import W3CTraceContext

/// A W3C Trace Context `traceparent` value: `00-<trace id>-<parent span id>-<flags>`, read
/// and written by swift-w3c-trace-context.
///
/// One trace id follows a case across every service; each hop gets a span id of its own.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    let context: TraceContext

    /// Parses a header value; nil when it is not a version-00 `traceparent` of plain
    /// lowercase ASCII hex (the library counts bytes, so "0" with a combining mark, which is
    /// one Character, fails) or when its trace or span id is all zeros.
    public init?(_ header: String) {
        guard let parsed = try? TraceContext(traceParentHeaderValue: header) else { return nil }
        self.init(traceID: parsed.traceID, spanID: parsed.spanID, sampled: parsed.flags.contains(.sampled))
    }

    init(traceID: TraceID, spanID: SpanID, sampled: Bool) {
        // Only the sampled flag is carried on: version 00 defines no other for us to keep.
        context = TraceContext(traceID: traceID, spanID: spanID, flags: sampled ? .sampled : [], state: TraceState())
    }

    /// 32 lowercase hex digits, never all zeros.
    public var traceID: String { context.traceID.description }
    /// 16 lowercase hex digits, never all zeros.
    public var spanID: String { context.spanID.description }
    public var sampled: Bool { context.flags.contains(.sampled) }

    /// Whether `other` belongs to the same trace.
    public func isSameTrace(as other: TraceParent) -> Bool { context.traceID == other.context.traceID }

    /// Starts a new trace.
    public static func random() -> TraceParent {
        var traceID = TraceID.random()
        while traceID == .null { traceID = TraceID.random() }
        return TraceParent(traceID: traceID, spanID: randomSpanID(), sampled: true)
    }

    /// The same trace, one hop further: what the current hop stamps on what it produces.
    ///
    /// While a span of ``HubTracer`` is open in this task (tracing switched on) and belongs to
    /// this trace, the hop *is* that span, so the next service's span becomes its child.
    /// Otherwise (tracing off, or another trace) the hop gets a new span id, as it always had.
    public func child() -> TraceParent {
        if let span = Self.currentSpan, span.isSameTrace(as: self) { return span }
        return TraceParent(traceID: context.traceID, spanID: Self.randomSpanID(), sampled: sampled)
    }

    /// The span ``HubTracer`` has open in this task, if any.
    static var currentSpan: TraceParent? { TraceSpan.current?.trace }

    public var description: String { context.traceParentHeaderValue }

    private static func randomSpanID() -> SpanID {
        var spanID = SpanID.random()
        while spanID == .null { spanID = SpanID.random() }
        return spanID
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
