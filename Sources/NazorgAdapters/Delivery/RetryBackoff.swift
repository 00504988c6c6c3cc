import NazorgRuntime

/// How long an offer waits after failed deliveries: `first`, doubling per failure, at most
/// `maximum`.
public struct RetryBackoff: Sendable, Equatable {
    public var first: Duration
    public var maximum: Duration

    public init(first: Duration = .seconds(1), maximum: Duration = .seconds(60)) {
        self.first = first
        self.maximum = max(first, maximum)
    }

    public func wait(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var wait = first
        for _ in 1..<min(failures, 40) {
            wait = wait * 2
            if wait >= maximum { return maximum }
        }
        return min(wait, maximum)
    }
}

/// An offer whose next delivery attempt is not due yet: the consumer waits `retryAfter`
/// (polling, its partitions paused) and tries again.
public struct DeliveryNotDue: TransientError, Sendable, CustomStringConvertible {
    public let retryAfter: Duration?
    /// The failure that set the wait, if it happened just now.
    public let cause: WebhookDeliveryError?

    public init(retryAfter: Duration, cause: WebhookDeliveryError? = nil) {
        self.retryAfter = retryAfter
        self.cause = cause
    }

    public var description: String {
        "the next delivery attempt is due later" + (cause.map { " (\($0.code.rawValue))" } ?? "")
    }
}
