import CRdKafka

/// The one error type of the Kafka layer.
///
/// It carries librdkafka's code, whether trying again may help, whether the client is
/// unusable from now on, and a sentence a user understands. It never carries record
/// contents, so it is safe to log.
public struct KafkaError: Error, Sendable, CustomStringConvertible, Equatable {
    /// librdkafka's `rd_kafka_resp_err_t` value (negative for client-side errors).
    public let code: Int32
    /// librdkafka's symbolic name of the code, for example `_MSG_TIMED_OUT`.
    public let codeName: String
    /// Trying the same operation again later may succeed.
    public let isRetriable: Bool
    /// The client instance can no longer be used and must be recreated.
    public let isFatal: Bool
    /// A sentence for the user: what failed and what it means.
    public let message: String

    public init(code: Int32, codeName: String, isRetriable: Bool, isFatal: Bool, message: String) {
        self.code = code
        self.codeName = codeName
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.message = message
    }

    public var description: String { "\(message) [\(codeName), code \(code)\(isRetriable ? ", retriable" : "")\(isFatal ? ", fatal" : "")]" }

    /// Builds the error for a librdkafka response code met while doing `action`
    /// (a phrase such as "producing to nazorg.intake.notices.v1").
    init(_ err: rd_kafka_resp_err_t, while action: String, detail: String? = nil, fatal: Bool = false) {
        let name = String(cString: rd_kafka_err2name(err))
        let text = detail ?? String(cString: rd_kafka_err2str(err))
        let retriable = !fatal && Self.retriableCodes.contains(err.rawValue)
        let sentence: String
        switch err {
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
             RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__RESOLVE:
            sentence = "Kafka could not be reached in time while \(action); nothing was confirmed (\(text))."
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
            sentence = "The local Kafka send queue is full while \(action); the broker is slower than the producer."
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
             RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR__AUTHENTICATION:
            sentence = "Kafka refused access while \(action); check the service's credentials and ACLs (\(text))."
        case RD_KAFKA_RESP_ERR__FATAL:
            sentence = "The Kafka client hit a fatal error while \(action) and must be restarted (\(text))."
        default:
            sentence = "Kafka reported an error while \(action): \(text)."
        }
        self.init(code: err.rawValue, codeName: name, isRetriable: retriable,
                  isFatal: fatal || err == RD_KAFKA_RESP_ERR__FATAL, message: sentence)
    }

    /// A configuration property was refused by librdkafka.
    static func configuration(_ property: String, _ detail: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, codeName: "_INVALID_ARG",
                   isRetriable: false, isFatal: false,
                   message: "The Kafka setting '\(property)' is not valid: \(detail)")
    }

    /// The client was used after `close()`.
    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, codeName: "_DESTROY",
                   isRetriable: false, isFatal: true, message: "The \(what) is closed and cannot be used any more.")
    }

    /// Codes after which the same operation may succeed later.
    private static let retriableCodes: Set<Int32> = Set([
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__RESOLVE,
        RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR, RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND,
    ].map(\.rawValue))
}
