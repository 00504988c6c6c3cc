import Hummingbird
import HTTPTypes

extension Request {
    /// The trace what this request produces carries: the server span serving it when tracing
    /// is on (``TracingMiddleware`` continued the caller's trace or began one), otherwise the
    /// caller's trace continued one hop, or a new trace when the caller sent none or sent one
    /// that is not a plain ASCII version-00 `traceparent`.
    public var continuedTrace: TraceParent {
        if let span = TraceParent.currentSpan { return span }
        guard let parent = callerTrace else { return .random() }
        return parent.child()
    }

    /// The caller's `traceparent`, when it is a valid one.
    var callerTrace: TraceParent? {
        guard let name = HTTPField.Name("traceparent"), let value = headers[name] else { return nil }
        return TraceParent(value)
    }
}
