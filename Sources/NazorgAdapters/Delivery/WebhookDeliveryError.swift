import NazorgRuntime

/// A webhook delivery that did not succeed this time but may on a later attempt: the
/// partner answered 408, 429 or 5xx, or could not be reached in time. The consumer service
/// retries the offer with back-off; a permanent refusal is a `PoisonEvent` instead.
public struct WebhookDeliveryError: TransientError, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// 408 or 5xx.
        case partnerUnavailable = "partner-unavailable"
        /// 429.
        case partnerThrottled = "partner-throttled"
        /// Connection refused, reset, TLS failure or timeout.
        case transport = "transport"
    }

    public let code: Code
    public let partnerId: String
    /// The HTTP status, when the partner answered.
    public let statusCode: Int?
    /// The wait the partner asked for with `Retry-After`, already capped.
    public let retryAfter: Duration?
    /// What went wrong in a sentence; never payload values.
    public let message: String

    public init(code: Code, partnerId: String, statusCode: Int? = nil, retryAfter: Duration? = nil, message: String) {
        self.code = code
        self.partnerId = partnerId
        self.statusCode = statusCode
        self.retryAfter = retryAfter
        self.message = message
    }

    /// Always true: this type exists only for failures worth another attempt.
    public var isRetriable: Bool { true }

    public var description: String {
        "\(code.rawValue): \(message)" + (statusCode.map { " (HTTP \($0))" } ?? "")
    }
}
