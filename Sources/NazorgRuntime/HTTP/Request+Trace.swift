import Hummingbird
import HTTPTypes

extension Request {
    /// The caller's trace, continued one hop, or a new trace when the caller sent none.
    public var continuedTrace: TraceParent {
        headers[HTTPField.Name("traceparent")!].flatMap(TraceParent.init)?.child() ?? .random()
    }
}
