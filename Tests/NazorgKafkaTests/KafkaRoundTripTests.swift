import Foundation
import NazorgKafka
import NazorgTestSupport
import Testing

@Suite("Kafka layer against the embedded broker", .serialized)
struct KafkaRoundTripTests {
    @Test func recordRoundTripKeepsKeyHeadersAndValue() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("roundtrip", partitions: 3, replicationFactor: 3)
        let config = fastGroupConfiguration(cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        let headers = [KafkaHeader("ce_id", "evt-1"), KafkaHeader("ce_type", "nl.nazorg.Test.v1"),
                       KafkaHeader(key: "empty", value: nil), KafkaHeader(key: "binary", value: [0, 255, 7])]
        let report = try await producer.send(ProducerRecord(topic: "roundtrip", key: "subject-a",
                                                            value: Array("{\"a\":1}".utf8), headers: headers))
        #expect(report.topic == "roundtrip")
        #expect(report.offset >= 0)
        await producer.close()

        let consumer = try KafkaConsumer(configuration: config,
                                         options: ConsumerOptions(groupID: "roundtrip-group", topics: ["roundtrip"]),
                                         logger: testLogger)
        var received: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while received.isEmpty && ContinuousClock.now < deadline { received = try await consumer.poll() }
        await consumer.close()
        let record = try #require(received.first)
        #expect(received.count == 1)
        #expect(record.keyText == "subject-a")
        #expect(record.value == Array("{\"a\":1}".utf8))
        #expect(record.partition == report.partition)
        #expect(record.offset == report.offset)
        #expect(record.headers == headers)
        #expect(record.headers.text("ce_type") == "nl.nazorg.Test.v1")
        #expect(record.timestampMilliseconds != nil)
    }

    @Test func batchSendIsAcknowledgedAndReadBackInKeyOrder() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("ordered", partitions: 4)
        let config = fastGroupConfiguration(cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        let sent = (0..<500).map { i in
            ProducerRecord(topic: "ordered", key: "subject-\(i % 5)", value: Array("\(i % 5):\(i)".utf8))
        }
        try await producer.send(batch: sent)
        await producer.close()

        let consumer = try KafkaConsumer(configuration: config,
                                         options: ConsumerOptions(groupID: "ordered-group", topics: ["ordered"], maxBatchSize: 64),
                                         logger: testLogger)
        var got: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while got.count < 500 && ContinuousClock.now < deadline { got += try await consumer.poll() }
        await consumer.close()
        #expect(got.count == 500)
        // Within one key, records arrive in the order they were sent.
        for key in 0..<5 {
            let sequence = got.filter { $0.keyText == "subject-\(key)" }
                .map { Int(String(decoding: $0.value, as: UTF8.self).split(separator: ":")[1])! }
            #expect(sequence == sequence.sorted())
            #expect(sequence.count == 100)
        }
    }

    @Test func batchesSequenceDeliversEverythingAndEndsWhenClosed() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("sequence", partitions: 2)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        try await producer.send(batch: records(topic: "sequence", values("s", 0..<120)))
        await producer.close()
        let consumer = try KafkaConsumer(configuration: fastGroupConfiguration(cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "sequence-group", topics: ["sequence"], maxBatchSize: 50),
                                         logger: testLogger)
        let seen = Seen()
        let reader = Task {
            var batches = 0
            for try await batch in consumer.batches {
                #expect(!batch.isEmpty && batch.count <= 50)
                seen.add(batch)
                try await consumer.commit(batch)
                batches += 1
            }
            return batches
        }
        try await waitUntil("the sequence yields every record", timeout: .seconds(90)) { seen.distinct.count == 120 }
        await consumer.close()
        let batches = try await reader.value  // the sequence ends once the consumer is closed
        #expect(batches >= 3)
        #expect(seen.distinct == Set(values("s", 0..<120)))
    }

    @Test func sendToUnreachableClusterFailsWithRetriableError() async throws {
        // Nothing listens on port 1; the record must fail, not hang or succeed.
        let config = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["message.timeout.ms": "1500"])
        let producer = try KafkaProducer(configuration: config, logger: testLogger)
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(ProducerRecord(topic: "nowhere", key: "k", value: [1]))
        }
        #expect(error?.kind == .retriable)
        #expect(error?.isRetriable == true)
        #expect(error?.isFatal == false)
        #expect(error?.message.contains("could not be reached") == true)
        let connected = await producer.isConnected(timeout: .milliseconds(300))
        #expect(!connected)
        await producer.close()
    }

    @Test func adminRefusesInvalidTopicSpecificationsClearly() async throws {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: testLogger)
        let error = await #expect(throws: KafkaError.self) {
            try await admin.createTopics([TopicSpecification(name: "bad", partitions: 0, replicationFactor: 1)])
        }
        #expect(error?.message.contains("bad") == true)
        #expect(error?.kind == .permanent)
        await admin.close()
    }

    @Test func adminExplainsWhyTheEmbeddedBrokerCannotCreateTopics() async throws {
        // librdkafka's mock cluster has no controller, so CreateTopics cannot succeed there;
        // the error must say that and arrive within the time-out, not hang.
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: testLogger)
        let error = await #expect(throws: KafkaError.self) {
            try await admin.createTopics([TopicSpecification(name: "t", partitions: 1, replicationFactor: 1)], timeout: .seconds(2))
        }
        #expect(error?.message.contains("controller") == true)
        await admin.close()
    }
}
