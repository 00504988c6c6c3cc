import NazorgContracts

/// One attribute a hub span may carry: the complete list of what spans may say.
///
/// Spans name configuration and codes only, as metric labels do: service, topic and
/// partition, event type, route pattern, status code, partner id (an organisation),
/// decision, legal basis, outcome and error codes. Never a person's data, a subject id or
/// pseudonym, a case, task or event id, a payload or an error's text. There is no way to set
/// a free-form key, and every text value passes ``MetricLabel/value(_:)`` when it is recorded,
/// which turns anything that looks like an id into `redacted`.
public struct TraceAttribute: Sendable, Equatable {
    /// Every key a hub span may carry (`deploy/otel-collector/collector.yaml` keeps exactly these).
    public enum Key: String, Sendable, CaseIterable {
        case service = "nazorg.service"
        case partner = "nazorg.partner.id"
        case outcome = "nazorg.outcome"
        case decision = "nazorg.disclosure.decision"
        case legalBasis = "nazorg.disclosure.legal_basis"
        case errorType = "error.type"
        case messagingSystem = "messaging.system"
        case operation = "messaging.operation.type"
        case topic = "messaging.destination.name"
        case partition = "messaging.destination.partition.id"
        case offset = "messaging.kafka.offset"
        case eventType = "cloudevents.event_type"
        case httpMethod = "http.request.method"
        case httpRoute = "http.route"
        case httpStatus = "http.response.status_code"
    }

    enum Value: Sendable, Equatable {
        case text(String)
        case number(Int64)
    }

    let key: Key
    let value: Value

    private init(_ key: Key, _ text: String) {
        self.key = key
        self.value = .text(text)
    }

    private init(_ key: Key, _ number: Int64) {
        self.key = key
        self.value = .number(number)
    }

    /// The hub service that recorded the span (`intake`, `planning`, ...).
    static func service(_ name: String) -> Self { Self(.service, name) }
    /// A partner organisation's id from the partner directory.
    public static func partner(_ id: String) -> Self { Self(.partner, id) }
    /// What became of the work, as a short code (`handled`, `dead-lettered`, `delivered`, ...).
    public static func outcome(_ code: String) -> Self { Self(.outcome, code) }
    /// The filter's decision about a task: `disclosed`, `denied` or `awaiting-consent`.
    public static func decision(_ code: String) -> Self { Self(.decision, code) }
    /// The legal basis code of the policy that allowed a disclosure.
    public static func legalBasis(_ code: String) -> Self { Self(.legalBasis, code) }
    /// A failure's code or type name, never its message.
    public static func errorType(_ code: String) -> Self { Self(.errorType, code) }

    static let kafka = Self(.messagingSystem, "kafka")
    static func operation(_ name: String) -> Self { Self(.operation, name) }
    static func topic(_ name: String) -> Self { Self(.topic, name) }
    static func partition(_ number: Int32) -> Self { Self(.partition, String(number)) }
    static func offset(_ offset: Int64) -> Self { Self(.offset, offset) }
    static func eventType(_ type: EventType) -> Self { Self(.eventType, type.ceType) }

    public static func httpMethod(_ method: String) -> Self { Self(.httpMethod, method) }
    /// The route pattern the router matched, never the raw path (it names partners' tasks).
    public static func httpRoute(_ pattern: String) -> Self { Self(.httpRoute, pattern) }
    public static func httpStatus(_ code: Int) -> Self { Self(.httpStatus, Int64(code)) }
}
