/// Header names of a CloudEvent in Kafka binary mode, plus the W3C trace header.
public enum CloudEventHeader {
    public static let specVersion = "ce_specversion"
    public static let id = "ce_id"
    public static let source = "ce_source"
    public static let type = "ce_type"
    public static let time = "ce_time"
    public static let subject = "ce_subject"
    public static let dataSchema = "ce_dataschema"
    public static let contentType = "content-type"
    public static let traceparent = "traceparent"

    /// The only `ce_specversion` value the hub writes.
    public static let specVersionValue = "1.0"
    /// The only `content-type` value the hub writes.
    public static let jsonContentType = "application/json"
}

/// Extra headers on a record in `nazorg.deadletter.v1`; the original headers are kept.
public enum DeadLetterHeader {
    /// Fixed reason code, e.g. `invalid-json`, `schema-violation`, `unknown-type`.
    public static let reason = "nazorg_dlq_reason"
    /// Short technical detail; never payload values.
    public static let detail = "nazorg_dlq_detail"
    public static let topic = "nazorg_dlq_topic"
    public static let partition = "nazorg_dlq_partition"
    public static let offset = "nazorg_dlq_offset"
    /// `intake`, `planning`, `filter`, `adapters` or `monitoring`.
    public static let service = "nazorg_dlq_service"
    public static let time = "nazorg_dlq_time"
}
