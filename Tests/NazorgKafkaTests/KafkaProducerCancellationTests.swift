import Foundation
@testable import NazorgKafka
import NazorgTestSupport
import Testing

@Suite("Producer cancellation", .serialized)
struct KafkaProducerCancellationTests {
    /// A batch cancelled while it waits for room in librdkafka's full local queue: the records
    /// it queued before still point at its delivery waiter. Their reports, which arrive only
    /// once the broker is back, must find a live waiter (without that, this test crashes or
    /// hangs), the cancelled call must not return before them, and the producer must go on.
    @Test(.timeLimit(.minutes(3)), arguments: 1...3)
    func cancellingABatchWhileTheLocalQueueIsFullKeepsQueuedRecordsSafe(round: Int) async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        let topic = "cancel-\(round)"
        try cluster.createTopic(topic, partitions: 2)
        var config = producerConfiguration(cluster.bootstrapServers)
        config.properties = ["queue.buffering.max.messages": "50", "message.timeout.ms": "120000"]
        let producer = try KafkaProducer(configuration: config, logger: testLogger)
        // The producer knows the cluster and has its producer id before the broker goes away.
        try await producer.send(ProducerRecord(topic: topic, key: "warm-up", value: [0]))

        try cluster.setBrokerDown(1)
        let sending = Task {
            try await producer.send(batch: records(topic: topic, values("cancelled", 0..<5_000)))
        }
        try await waitUntil("the local queue is full") { producer.outstandingRecordCount >= 50 }
        sending.cancel()
        try cluster.setBrokerUp(1)

        let outcome = await sending.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        // The cancelled call returned only after its queued records were settled.
        try await waitUntil("the cancelled batch's records are settled") { producer.outstandingRecordCount == 0 }

        let report = try await producer.send(ProducerRecord(topic: topic, key: "after", value: Array("after".utf8)))
        #expect(report.topic == topic)
        try await producer.send(batch: records(topic: topic, values("later", 0..<200)))
        await producer.close()

        let expected = Set(values("later", 0..<200) + ["after"])
        let readValues = try await readValues(cluster.bootstrapServers, topic) { $0.isSuperset(of: expected) }
        // What the cancelled batch queued before the cancellation was delivered, nothing more.
        #expect(readValues.filter { $0.hasPrefix("cancelled-") }.count >= 50)
        #expect(readValues.filter { $0.hasPrefix("cancelled-") }.count < 5_000)
    }

    @Test func cancellingASingleSendThatWaitsForRoomLeavesTheProducerUsable() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("cancel-single", partitions: 1)
        var config = producerConfiguration(cluster.bootstrapServers)
        config.properties = ["queue.buffering.max.messages": "5", "message.timeout.ms": "120000"]
        let producer = try KafkaProducer(configuration: config, logger: testLogger)
        try await producer.send(ProducerRecord(topic: "cancel-single", key: "warm-up", value: [0]))
        try cluster.setBrokerDown(1)
        let filler = Task { try await producer.send(batch: records(topic: "cancel-single", values("fill", 0..<5))) }
        try await waitUntil("the local queue is full") { producer.outstandingRecordCount >= 5 }
        let single = Task { try await producer.send(ProducerRecord(topic: "cancel-single", key: "k", value: [1])) }
        single.cancel()
        await #expect(throws: CancellationError.self) { try await single.value }
        try cluster.setBrokerUp(1)
        try await filler.value
        try await producer.send(ProducerRecord(topic: "cancel-single", key: "k", value: [2]))
        await producer.close()
    }

    /// Closing from a cancelled task (a service group being cancelled) still fails what is
    /// queued, waits for those sends to return, and only then releases the client.
    @Test func closeFromACancelledTaskSettlesSendsInFlight() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("close-cancelled", partitions: 1)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        try await producer.send(ProducerRecord(topic: "close-cancelled", key: "warm-up", value: [0]))
        try cluster.setBrokerDown(1)
        let sending = Task { try await producer.send(ProducerRecord(topic: "close-cancelled", key: "k", value: [1])) }
        try await waitUntil("the record is queued") { producer.outstandingRecordCount >= 1 }
        let closing = Task { await producer.close(timeout: .milliseconds(300)) }
        closing.cancel()
        await closing.value
        let error = await #expect(throws: KafkaError.self) { try await sending.value }
        #expect(error?.kind == .retriable, "a purged record may be sent again by a new producer")
        try cluster.setBrokerUp(1)
    }

    @Test func aClosedProducerRefusesToSend() async throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: testLogger)
        await producer.close()
        await producer.close()
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(ProducerRecord(topic: "t", key: "k", value: [1]))
        }
        #expect(error?.code == KafkaError.closed("producer").code)
        #expect(error?.kind == .fatal)
    }
}
