import NazorgContracts

/// One attribute a hub span may carry: the complete list of what spans may say.
///
/// Spans name configuration and codes only, as metric labels do: service, topic and
/// partition, event type, route pattern, status code, partner id (an organisation),
/// decision, legal basis, outcome and error codes. Never a person's data, a subject id or
/// pseudonym, a case, task or event id, a payload or an error's text. There is no way to set
/// a free-form key, and every text value passes ``MetricLabel/value(_:)``, which turns
/// anything that looks like an id into `redacted`.
public struct TraceAttribute: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case text(String)
        case number(Int64)
    }

    let key: String
    let value: Value

    private init(_ key: String, _ text: String) {
        self.key = key
        self.value = .text(MetricLabel.value(text))
    }

    private init(_ key: String, _ number: Int64) {
        self.key = key
        self.value = .number(number)
    }

    /// The hub service that recorded the span (`intake`, `planning`, ...).
    static func service(_ name: String) -> Self { Self("nazorg.service", name) }
    /// A partner organisation's id from the partner directory.
    public static func partner(_ id: String) -> Self { Self("nazorg.partner.id", id) }
    /// What became of the work, as a short code (`handled`, `dead-lettered`, `delivered`, ...).
    public static func outcome(_ code: String) -> Self { Self("nazorg.outcome", code) }
    /// The filter's decision about a task: `disclosed`, `denied` or `awaiting-consent`.
    public static func decision(_ code: String) -> Self { Self("nazorg.disclosure.decision", code) }
    /// The legal basis code of the policy that allowed a disclosure.
    public static func legalBasis(_ code: String) -> Self { Self("nazorg.disclosure.legal_basis", code) }
    /// A failure's code or type name, never its message.
    public static func errorType(_ code: String) -> Self { Self("error.type", code) }

    static let kafka = Self("messaging.system", "kafka")
    static func operation(_ name: String) -> Self { Self("messaging.operation.type", name) }
    static func topic(_ name: String) -> Self { Self("messaging.destination.name", name) }
    static func partition(_ number: Int32) -> Self { Self("messaging.destination.partition.id", String(number)) }
    static func offset(_ offset: Int64) -> Self { Self("messaging.kafka.offset", offset) }
    static func consumerGroup(_ name: String) -> Self { Self("messaging.consumer.group.name", name) }
    static func eventType(_ type: EventType) -> Self { Self("cloudevents.event_type", type.ceType) }
    /// How many times the work was tried.
    static func attempts(_ count: Int) -> Self { Self("nazorg.attempts", Int64(count)) }

    public static func httpMethod(_ method: String) -> Self { Self("http.request.method", method) }
    /// The route pattern the router matched, never the raw path (it names partners' tasks).
    public static func httpRoute(_ pattern: String) -> Self { Self("http.route", pattern) }
    public static func httpStatus(_ code: Int) -> Self { Self("http.response.status_code", Int64(code)) }
}
