import CRdKafka

/// The one error type of the Kafka layer.
///
/// It carries librdkafka's code, what kind of failure it is (see ``Kind``), and a sentence
/// a user understands. It never carries record contents, so it is safe to log.
public struct KafkaError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What a caller can do about an error.
    public enum Kind: String, Sendable, Hashable {
        /// A transient broker or cluster condition (a broker away, a leader or coordinator
        /// moving, a topic not created yet, a full local queue): the same operation may
        /// succeed later, so try again with back-off.
        case retriable
        /// The client instance is unusable from now on (a fatal librdkafka error, failed
        /// authentication, closed): create a new client.
        case fatal
        /// The operation will never succeed as asked (a record too large, no access to the
        /// topic, an invalid setting): trying again does not help; fix the input or the setup.
        case permanent
    }

    /// librdkafka's `rd_kafka_resp_err_t` value (negative for client-side errors).
    public let code: Int32
    /// librdkafka's symbolic name of the code, for example `_MSG_TIMED_OUT`.
    public let codeName: String
    /// Whether trying again may help, or the client or the operation is beyond repair.
    public let kind: Kind
    /// A sentence for the user: what failed and what it means.
    public let message: String

    /// Trying the same operation again later may succeed.
    public var isRetriable: Bool { kind == .retriable }
    /// The client instance can no longer be used and must be recreated.
    public var isFatal: Bool { kind == .fatal }

    public init(code: Int32, codeName: String, kind: Kind, message: String) {
        self.code = code
        self.codeName = codeName
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(message) [\(codeName), code \(code), \(kind.rawValue)]" }

    /// Builds the error for a librdkafka response code met while doing `action`
    /// (a phrase such as "producing to nazorg.intake.notices.v1").
    /// `fatal` marks the client's own fatal error (from `rd_kafka_fatal_error`).
    init(_ err: rd_kafka_resp_err_t, while action: String, detail: String? = nil, fatal: Bool = false) {
        let text = detail ?? String(cString: rd_kafka_err2str(err))
        self.init(code: err.rawValue, codeName: String(cString: rd_kafka_err2name(err)),
                  kind: fatal ? .fatal : Self.kind(of: err.rawValue),
                  message: Self.sentence(err, action: action, text: text))
    }

    /// Builds the error from librdkafka's richer error object, which knows itself whether it
    /// is fatal or retriable; the code's own kind decides when it says neither.
    /// Does not destroy `error`.
    init(error: OpaquePointer, while action: String) {
        let err = rd_kafka_error_code(error)
        let kind: Kind
        if rd_kafka_error_is_fatal(error) != 0 {
            kind = .fatal
        } else if rd_kafka_error_is_retriable(error) != 0 {
            kind = .retriable
        } else {
            kind = Self.kind(of: err.rawValue)
        }
        let text = rd_kafka_error_string(error).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(err))
        self.init(code: err.rawValue, codeName: rd_kafka_error_name(error).map { String(cString: $0) } ?? "?",
                  kind: kind, message: Self.sentence(err, action: action, text: text))
    }

    /// A configuration property was refused, by librdkafka or by the layer.
    static func configuration(_ property: String, _ detail: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, codeName: "_INVALID_ARG", kind: .permanent,
                   message: "The Kafka setting '\(property)' is not valid: \(detail)")
    }

    /// The client was used after `close()`.
    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, codeName: "_DESTROY", kind: .fatal,
                   message: "The \(what) is closed and cannot be used any more.")
    }

    private static func sentence(_ err: rd_kafka_resp_err_t, action: String, text: String) -> String {
        switch err {
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
             RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__RESOLVE:
            return "Kafka could not be reached in time while \(action); nothing was confirmed (\(text))."
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
            return "The local Kafka send queue is full while \(action); the broker is slower than the producer."
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
             RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
            return "Kafka does not know the topic or partition (yet) while \(action); it may still be being created (\(text))."
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
             RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR__AUTHENTICATION,
             RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
            return "Kafka refused access while \(action); check the service's credentials and ACLs (\(text))."
        case RD_KAFKA_RESP_ERR__FATAL:
            return "The Kafka client hit a fatal error while \(action) and must be restarted (\(text))."
        default:
            return "Kafka reported an error while \(action): \(text)."
        }
    }
}

extension KafkaError {
    /// The kind of a librdkafka response code (`rd_kafka_resp_err_t`) on its own.
    ///
    /// Retriable: conditions of the cluster that pass (brokers, leaders, coordinators and
    /// topics coming and going, time-outs, throttling, full queues, rebalances). Fatal: the
    /// client instance is beyond repair. Everything else, including codes this table does
    /// not know, is permanent: retrying it without end could block a partition for good.
    public static func kind(of code: Int32) -> Kind {
        if retriableCodes.contains(code) { return .retriable }
        if fatalCodes.contains(code) { return .fatal }
        return .permanent
    }

    private static let retriableCodes: Set<Int32> = Set([
        // Client side: reaching the cluster and waiting on it.
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
        RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__ISR_INSUFF, RD_KAFKA_RESP_ERR__NODE_UPDATE,
        RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__WAIT_CACHE, RD_KAFKA_RESP_ERR__IN_PROGRESS,
        RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS, RD_KAFKA_RESP_ERR__OUTDATED, RD_KAFKA_RESP_ERR__INTR,
        RD_KAFKA_RESP_ERR__PARTIAL, RD_KAFKA_RESP_ERR__RETRY, RD_KAFKA_RESP_ERR__UNKNOWN_BROKER,
        RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED, RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST,
        // A topic or partition the client does not know yet: it may be being created.
        RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
        // Records purged from the queues when a producer closes: a new producer may send them.
        RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT,
        // Broker side: leadership, replicas, coordinators, group membership, load.
        RD_KAFKA_RESP_ERR_INVALID_MSG, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION,
        RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_NOT_CONTROLLER, RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS,
        RD_KAFKA_RESP_ERR_OPERATION_NOT_ATTEMPTED, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR,
        RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID, RD_KAFKA_RESP_ERR_REASSIGNMENT_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND, RD_KAFKA_RESP_ERR_INVALID_FETCH_SESSION_EPOCH,
        RD_KAFKA_RESP_ERR_LISTENER_NOT_FOUND, RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH,
        RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH, RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_MEMBER_ID_REQUIRED, RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_ELIGIBLE_LEADERS_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT,
        RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED,
    ].map(\.rawValue))

    private static let fatalCodes: Set<Int32> = Set([
        RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR__DESTROY, RD_KAFKA_RESP_ERR__CRIT_SYS_RESOURCE,
        RD_KAFKA_RESP_ERR__AUTHENTICATION, RD_KAFKA_RESP_ERR__FENCED,
        RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED, RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM,
        RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
        RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH, RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
        RD_KAFKA_RESP_ERR_TRANSACTION_COORDINATOR_FENCED, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID,
    ].map(\.rawValue))
}
