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
    private let stopped = Atomic<Bool>(false)
    /// Comma-separated `host:port` list that any Kafka client can bootstrap from.
    public let bootstrapServers: String
    public let brokerCount: Int

    public init(brokers: Int = 3, logger: Logger) throws {
        precondition(brokers > 0, "a cluster needs at least one broker")
        // The cluster is owned by a client handle; it produces nothing itself.
        owner = try NativeClient(kind: RD_KAFKA_PRODUCER,
                                 configuration: KafkaConfiguration(bootstrapServers: "", clientID: "nazorg-embedded-broker"),
                                 defaults: ["bootstrap.servers": ""], logger: logger)
        guard let mc = rd_kafka_mock_cluster_new(owner.handle, Int32(brokers)) else {
            owner.destroyBlocking()
            throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, while: "starting the embedded broker")
        }
        cluster = MockHandle(pointer: mc)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
        brokerCount = brokers
    }

    /// Broker ids run from 1 to `brokerCount`.
    public var brokerIDs: ClosedRange<Int32> { 1...Int32(brokerCount) }

    /// Creates a topic directly in the cluster.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        let err = rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, while: "creating topic \(name) in the embedded broker") }
    }

    /// Takes a broker off the network: its connections drop and it accepts none.
    public func setBrokerDown(_ broker: Int32) throws {
        try check(rd_kafka_mock_broker_set_down(cluster.pointer, broker), "taking broker \(broker) down")
    }

    /// Brings a broker back.
    public func setBrokerUp(_ broker: Int32) throws {
        try check(rd_kafka_mock_broker_set_up(cluster.pointer, broker), "bringing broker \(broker) up")
    }

    /// Delays every response of a broker.
    public func setRoundTripTime(_ broker: Int32, _ delay: Duration) throws {
        try check(rd_kafka_mock_broker_set_rtt(cluster.pointer, broker, delay.clampedMilliseconds), "delaying broker \(broker)")
    }

    /// Makes the next requests of the given Kafka API (for example 0 = Produce, 1 = Fetch,
    /// 8 = OffsetCommit) fail with these librdkafka error codes, one per request.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster.pointer, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    /// Moves a partition's leadership to another broker.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws {
        try check(rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, broker),
                  "moving the leader of \(topic)/\(partition)")
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
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        owner.destroyBlocking()
    }

    deinit { shutdown() }

    private func check(_ err: rd_kafka_resp_err_t, _ action: String) throws {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, while: action) }
    }
}

struct MockHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
