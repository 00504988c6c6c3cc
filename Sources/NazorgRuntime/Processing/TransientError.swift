import NazorgKafka

/// An error that says trying the same input again later may succeed (a partner or Kafka
/// away for a while). The consumer service retries such input without limit, so a long
/// outage delays work but never drops it.
public protocol TransientError: Error {
    /// The least time to wait before the next try, when the failing party said (a partner's
    /// `Retry-After`, a back-off that must survive restarts); nil leaves it to the consumer.
    var retryAfter: Duration? { get }
}

extension TransientError {
    public var retryAfter: Duration? { nil }
}

extension Error {
    /// Whether the consumer service should retry without limit.
    /// The wait a ``TransientError`` asked for, if any.
    var requestedWait: Duration? { (self as? any TransientError)?.retryAfter }

    var isTransient: Bool {
        if self is any TransientError { return true }
        if let kafka = self as? KafkaError { return kafka.isRetriable }
        return false
    }

    /// What may be logged about an error: Kafka errors in full (they never carry record
    /// contents), anything else by type only, since its description might carry values.
    public var loggable: String {
        if let kafka = self as? KafkaError { return kafka.description }
        if let decoding = self as? EventDecodingError { return decoding.description }
        return String(describing: type(of: self))
    }
}
