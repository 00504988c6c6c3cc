import CRdKafka
import Dispatch
import Logging
import Synchronization

/// A topic to create.
public struct TopicSpecification: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Topic-level settings such as `retention.ms` or `cleanup.policy`.
    public var settings: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int32, settings: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.settings = settings
    }
}

extension TopicSpecification {
    /// Checks the specification against Kafka's rules before anything is sent.
    func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 249, name != ".", name != "..", name.allSatisfy(allowed.contains) else {
            throw KafkaError.configuration("topic \(name)", "a topic name is 1 to 249 characters of letters, digits, '.', '_' and '-'")
        }
        guard partitions >= 1 else {
            throw KafkaError.configuration("topic \(name)", "a topic needs at least one partition")
        }
        guard replicationFactor >= 1 else {
            throw KafkaError.configuration("topic \(name)", "the replication factor must be at least 1")
        }
    }
}

/// Cluster administration: creating topics.
public final class KafkaAdmin: Sendable {
    private let client: NativeClient
    private let closed = Atomic<Bool>(false)
    /// Set on the blocking queue when the handle is destroyed; every block on that queue
    /// checks it, so none can touch a destroyed handle.
    private let destroyed = RunFlag(initially: false)
    /// Admin requests wait for their answer; they run here, one at a time, never on the cooperative pool.
    private let blockingQueue = DispatchQueue(label: "nazorg.kafka.admin")

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        // Admin requests are served by a producer handle; it never produces.
        client = try NativeClient(kind: RD_KAFKA_PRODUCER, configuration: configuration, defaults: [:], logger: logger,
                                  reportsStatistics: false)
    }

    /// Creates the topics. A topic that already exists counts as created.
    /// Returns the names that were newly created. Throws ``KafkaError`` `closed` after ``close()``.
    @discardableResult
    public func createTopics(_ topics: [TopicSpecification], timeout: Duration = .seconds(30)) async throws -> [String] {
        guard !closed.load(ordering: .sequentiallyConsistent) else { throw KafkaError.closed("admin client") }
        guard timeout > .zero else { throw KafkaError.configuration("timeout", "the time-out must be positive") }
        guard !topics.isEmpty else { return [] }
        for spec in topics { try spec.validate() }
        let (client, destroyed) = (self.client, self.destroyed)
        let ms = timeout.clampedMilliseconds
        return try await runBlocking(on: blockingQueue) {
            guard !destroyed.isSet else { throw KafkaError.closed("admin client") }
            return try createTopicsBlocking(client.handle, topics, timeoutMilliseconds: ms)
        }
    }

    /// Releases the client. Idempotent; later calls throw ``KafkaError`` `closed`.
    public func close() async {
        guard !closed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        let (client, destroyed) = (self.client, self.destroyed)
        _ = try? await runBlocking(on: blockingQueue) {
            destroyed.set()
            client.destroyBlocking()
        }
    }
}

private func createTopicsBlocking(_ rk: OpaquePointer, _ topics: [TopicSpecification], timeoutMilliseconds: Int32) throws -> [String] {
    var errstr = [CChar](repeating: 0, count: 512)
    var newTopics: [OpaquePointer?] = []
    defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
    for spec in topics {
        guard let t = rd_kafka_NewTopic_new(spec.name, spec.partitions, spec.replicationFactor, &errstr, errstr.count) else {
            let detail = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError.configuration("topic \(spec.name)", detail)
        }
        newTopics.append(t)
        for (name, value) in spec.settings.sorted(by: { $0.key < $1.key }) {
            _ = rd_kafka_NewTopic_set_config(t, name, value)
        }
    }
    guard let replyQueue = rd_kafka_queue_new(rk) else {
        throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, while: "creating topics", detail: "no reply queue")
    }
    defer { rd_kafka_queue_destroy(replyQueue) }
    let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
    defer { rd_kafka_AdminOptions_destroy(options) }
    _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errstr, errstr.count)
    newTopics.withUnsafeMutableBufferPointer { buffer in
        rd_kafka_CreateTopics(rk, buffer.baseAddress, buffer.count, options, replyQueue)
    }
    // A second more than the request may take, saturating rather than overflowing.
    let waitMilliseconds = Int32(clamping: Int64(timeoutMilliseconds) + 1000)
    guard let event = rd_kafka_queue_poll(replyQueue, waitMilliseconds) else {
        throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, while: "creating topics")
    }
    // A cluster without a controller (such as the embedded broker) cannot create topics
    // through the admin API; say so instead of leaving a bare time-out.
    defer { rd_kafka_event_destroy(event) }
    let eventError = rd_kafka_event_error(event)
    if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
        var detail = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
        if detail.contains("controller") {
            detail += "; the cluster names no controller (the embedded broker creates its topics itself)"
        }
        throw KafkaError(eventError, while: "creating topics", detail: detail)
    }
    guard let result = rd_kafka_event_CreateTopics_result(event) else {
        throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, while: "creating topics", detail: "unexpected admin result")
    }
    var count = 0
    guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return [] }
    var created: [String] = []
    for i in 0..<count {
        guard let topicResult = results[i] else { continue }
        let name = String(cString: rd_kafka_topic_result_name(topicResult))
        let err = rd_kafka_topic_result_error(topicResult)
        switch err {
        case RD_KAFKA_RESP_ERR_NO_ERROR: created.append(name)
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: continue
        default:
            throw KafkaError(err, while: "creating topic \(name)",
                             detail: rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) })
        }
    }
    return created
}
