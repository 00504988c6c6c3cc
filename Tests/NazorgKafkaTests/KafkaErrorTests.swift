import NazorgKafka
import NazorgTestSupport
import Testing

@Suite struct KafkaErrorTests {
    /// librdkafka codes and the kind the layer gives them.
    static let table: [(code: Int32, name: String, kind: KafkaError.Kind)] = [
        // Transient cluster conditions: try again.
        (-188, "_UNKNOWN_TOPIC", .retriable), (-190, "_UNKNOWN_PARTITION", .retriable),
        (3, "UNKNOWN_TOPIC_OR_PART", .retriable), (5, "LEADER_NOT_AVAILABLE", .retriable),
        (6, "NOT_LEADER_FOR_PARTITION", .retriable), (16, "NOT_COORDINATOR", .retriable),
        (14, "COORDINATOR_LOAD_IN_PROGRESS", .retriable), (15, "COORDINATOR_NOT_AVAILABLE", .retriable),
        (7, "REQUEST_TIMED_OUT", .retriable), (-187, "_ALL_BROKERS_DOWN", .retriable),
        (-195, "_TRANSPORT", .retriable), (-192, "_MSG_TIMED_OUT", .retriable), (-185, "_TIMED_OUT", .retriable),
        (-184, "_QUEUE_FULL", .retriable), (-180, "_WAIT_COORD", .retriable),
        (27, "REBALANCE_IN_PROGRESS", .retriable), (22, "ILLEGAL_GENERATION", .retriable),
        (25, "UNKNOWN_MEMBER_ID", .retriable), (13, "NETWORK_EXCEPTION", .retriable),
        (19, "NOT_ENOUGH_REPLICAS", .retriable), (20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", .retriable),
        (89, "THROTTLING_QUOTA_EXCEEDED", .retriable), (-193, "_RESOLVE", .retriable),
        (-152, "_PURGE_QUEUE", .retriable), (-151, "_PURGE_INFLIGHT", .retriable),
        // The client is beyond repair.
        (-150, "_FATAL", .fatal), (-169, "_AUTHENTICATION", .fatal), (58, "SASL_AUTHENTICATION_FAILED", .fatal),
        (-197, "_DESTROY", .fatal), (-144, "_FENCED", .fatal), (90, "PRODUCER_FENCED", .fatal),
        (45, "OUT_OF_ORDER_SEQUENCE_NUMBER", .fatal),
        // The operation will never succeed as asked.
        (10, "MSG_SIZE_TOO_LARGE", .permanent), (87, "INVALID_RECORD", .permanent),
        (29, "TOPIC_AUTHORIZATION_FAILED", .permanent), (30, "GROUP_AUTHORIZATION_FAILED", .permanent),
        (40, "INVALID_CONFIG", .permanent), (-186, "_INVALID_ARG", .permanent), (17, "TOPIC_EXCEPTION", .permanent),
        (4, "INVALID_MSG_SIZE", .permanent), (18, "RECORD_LIST_TOO_LARGE", .permanent),
        (12, "OFFSET_METADATA_TOO_LARGE", .permanent), (-172, "_STATE", .permanent),
        (-1, "UNKNOWN", .permanent), (9_999, "(not a code)", .permanent),
    ]

    @Test func librdkafkaCodesAreClassified() {
        for entry in Self.table {
            #expect(KafkaError.kind(of: entry.code) == entry.kind, "\(entry.name) (\(entry.code))")
        }
    }

    @Test func isRetriableAndIsFatalFollowTheKind() {
        let retriable = KafkaError(code: -188, codeName: "_UNKNOWN_TOPIC", kind: .retriable, message: "m")
        let fatal = KafkaError(code: -150, codeName: "_FATAL", kind: .fatal, message: "m")
        let permanent = KafkaError(code: 10, codeName: "MSG_SIZE_TOO_LARGE", kind: .permanent, message: "m")
        #expect(retriable.isRetriable && !retriable.isFatal)
        #expect(!fatal.isRetriable && fatal.isFatal)
        #expect(!permanent.isRetriable && !permanent.isFatal)
        #expect(permanent.description.contains("permanent"))
    }

    /// A topic the cluster does not know yet (its metadata answers UNKNOWN_TOPIC_OR_PART) makes
    /// a send fail with a retriable error; once the topic exists, sending again succeeds. The
    /// consumer service retries retriable errors without limit, so such a task waits for its
    /// topic instead of being dead-lettered.
    @Test func producingBeforeTheTopicExistsIsRetriableAndSucceedsOnceItDoes() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        // The embedded broker creates topics on first use; an error on the topic's metadata
        // stands in for a topic that is still being created.
        try cluster.setTopicError("late-topic", 3)
        let config = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "kafka-tests", properties: [
            "topic.metadata.propagation.max.ms": "200",
            "topic.metadata.refresh.interval.ms": "500",
        ])
        let producer = try KafkaProducer(configuration: config, logger: testLogger)
        let record = ProducerRecord(topic: "late-topic", key: "k", value: Array("task".utf8))
        let error = await #expect(throws: KafkaError.self) { try await producer.send(record) }
        #expect(error?.kind == .retriable)
        #expect(error.map { [3, -188, -190].contains($0.code) } == true, "\(String(describing: error))")

        // The topic now exists.
        try cluster.setTopicError("late-topic", 0)
        var delivered: DeliveryReport?
        let deadline = ContinuousClock.now + .seconds(90)
        while delivered == nil && ContinuousClock.now < deadline {
            do {
                delivered = try await producer.send(record)
            } catch let error as KafkaError where error.isRetriable {
                try await Task.sleep(for: .milliseconds(200))  // back-off between tries, as a caller would
            }
        }
        #expect(delivered?.topic == "late-topic")
        await producer.close()
    }
}
