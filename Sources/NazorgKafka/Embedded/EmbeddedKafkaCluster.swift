import CRdKafka
import Dispatch
import Logging
import Synchronization

/// An in-process Kafka cluster for the demo and for tests: librdkafka's mock cluster,
/// several brokers on loopback speaking the real wire protocol.
///
/// Limits worth knowing: records live in memory only, roughly 5 MiB or 100,000 batches per
/// partition are kept (older ones are dropped), there are no ACLs or TLS, and
/// `read_committed` consumers still see aborted transactional records.
public final class EmbeddedKafkaCluster: Sendable {
    private let owner: NativeClient
    private let cluster: MockHandle
    /// True once shut down. Every call into the mock cluster holds this lock, so none can
    /// run while, or after, the cluster is destroyed. The mock calls it guards only hand a
    /// request to the cluster's thread and return.
    private let stopped = Mutex<Bool>(false)
    /// Comma-separated `host:port` list that any Kafka client can bootstrap from.
    public let bootstrapServers: String
    public let brokerCount: Int

    public init(brokers: Int = 3, logger: Logger) throws {
        guard (1...64).contains(brokers) else {
            throw KafkaError.configuration("brokers", "an embedded cluster has 1 to 64 brokers, not \(brokers)")
        }
        // The cluster is owned by a client handle; it produces nothing itself. Its brokers take
        // the handle's socket settings: with Nagle on they held small answers about 40 ms.
        owner = try NativeClient(kind: RD_KAFKA_PRODUCER,
                                 configuration: KafkaConfiguration(bootstrapServers: "", clientID: "nazorg-embedded-broker"),
                                 defaults: ["bootstrap.servers": "", "socket.nagle.disable": "true"], logger: logger,
                                 reportsStatistics: false)
        guard let mc = rd_kafka_mock_cluster_new(owner.handle, Int32(brokers)) else {
            owner.destroyBlocking()
            throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, while: "starting the embedded broker")
        }
        cluster = MockHandle(pointer: mc)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
        brokerCount = brokers
    }

    /// librdkafka properties for the clients of an embedded cluster. Its brokers hold a fetch
    /// that finds nothing for the whole `fetch.wait.max.ms`, even when records arrive
    /// meanwhile, where a real broker answers as soon as they do: a consumer that has caught
    /// up would wait up to the consumer default of 100 ms at every hop. 10 ms costs idle
    /// fetches (a few per second per broker and consumer) and no latency.
    public static let clientProperties = ["fetch.wait.max.ms": "10"]

    /// ``clientProperties`` as `NAZORG_KAFKA_PROPERTIES` takes them.
    public static var clientPropertiesText: String {
        clientProperties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// Broker ids run from 1 to `brokerCount`.
    public var brokerIDs: ClosedRange<Int32> { 1...Int32(brokerCount) }

    /// Creates a topic directly in the cluster.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        try withCluster("creating topic \(name) in the embedded broker") {
            rd_kafka_mock_topic_create($0, name, partitions, replicationFactor)
        }
    }

    /// Takes a broker off the network: its connections drop and it accepts none.
    public func setBrokerDown(_ broker: Int32) throws {
        try withCluster("taking broker \(broker) down") { rd_kafka_mock_broker_set_down($0, broker) }
    }

    /// Brings a broker back.
    public func setBrokerUp(_ broker: Int32) throws {
        try withCluster("bringing broker \(broker) up") { rd_kafka_mock_broker_set_up($0, broker) }
    }

    /// Delays every response of a broker.
    public func setRoundTripTime(_ broker: Int32, _ delay: Duration) throws {
        try withCluster("delaying broker \(broker)") { rd_kafka_mock_broker_set_rtt($0, broker, delay.clampedMilliseconds) }
    }

    /// Makes metadata requests answer `code` for `topic` (a librdkafka error code, such as
    /// 3 = UNKNOWN_TOPIC_OR_PART for a topic that does not exist yet); 0 clears it.
    public func setTopicError(_ topic: String, _ code: Int32) throws {
        try withCluster("setting an error on topic \(topic)") { cluster in
            rd_kafka_mock_topic_set_error(cluster, topic, rd_kafka_resp_err_t(rawValue: code))
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Makes the next requests of the given Kafka API (for example 0 = Produce, 1 = Fetch,
    /// 8 = OffsetCommit) fail with these librdkafka error codes, one per request.
    /// Does nothing once the cluster is shut down.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        try? withCluster("injecting request errors") { cluster in
            codes.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
            }
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Moves a partition's leadership to another broker.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws {
        try withCluster("moving the leader of \(topic)/\(partition)") {
            rd_kafka_mock_partition_set_leader($0, topic, partition, broker)
        }
    }

    /// Stops every broker from async code, off the cooperative pool (the mock cluster's
    /// threads are joined, which blocks).
    public func stop() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.shutdown()
                continuation.resume()
            }
        }
    }

    /// Stops every broker and frees the records. Idempotent. Blocks while the brokers stop.
    public func shutdown() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        owner.destroyBlocking()
    }

    deinit { shutdown() }

    /// Runs one mock-cluster call unless the cluster is shut down (then throws `closed`).
    private func withCluster(_ action: String, _ body: (OpaquePointer) -> rd_kafka_resp_err_t) throws {
        let err = try stopped.withLock { stopped in
            guard !stopped else { throw KafkaError.closed("embedded Kafka cluster") }
            return body(cluster.pointer)
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, while: action) }
    }
}

struct MockHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
