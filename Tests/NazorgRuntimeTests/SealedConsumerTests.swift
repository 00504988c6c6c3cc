import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing

private let logger = quietLogger("runtime.sealed.tests", level: .critical)
private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Contracts/examples")

@Suite("The consumer service opens sealed records", .serialized)
struct SealedConsumerTests {
    /// On a sealed topic: a record whose key was erased is skipped (counted, not dead-
    /// lettered), one whose box was altered goes to the dead letters as it came (still
    /// sealed), an intact one reaches the handler opened, and a plain one as it is.
    @Test func erasedSkippedAlteredDeadLetteredTheRestHandled() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in [Topics.intakeNotices, Topics.deadLetter] { try cluster.createTopic(topic, partitions: 1) }
        let keys = try SubjectKeyStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("sealed-consumer-\(UUID().uuidString).sqlite").path)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        let sealing = EventPublisher(producer: producer, source: "/tests", sealing: SubjectSealing(keys: keys))
        let plain = EventPublisher(producer: producer, source: "/tests")
        let body = try Data(contentsOf: examples.appendingPathComponent("DetentionStarted-example.json"))
        func record(_ publisher: EventPublisher, id: String, subject: String) throws -> ProducerRecord {
            try publisher.record(encoded: body, type: .detentionStarted, topic: Topics.intakeNotices, key: subject, id: id,
                                 subject: subject, trace: .random(), time: Date())
        }
        let erased = try record(sealing, id: "erased", subject: "s-erased")
        try keys.erase(subjectId: "s-erased")
        var altered = try record(sealing, id: "altered", subject: "s-kept")
        let text = String(decoding: altered.value, as: UTF8.self)
        let box = try #require(text.range(of: "\"box\":\""))
        let index = text.utf8.distance(from: text.utf8.startIndex, to: box.upperBound.samePosition(in: text.utf8)!) + 10
        altered.value[index] = altered.value[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let intact = try record(sealing, id: "intact", subject: "s-kept")
        let unsealed = try record(plain, id: "plain", subject: "s-plain")
        try await producer.send(batch: [erased, altered, intact, unsealed])

        let handled = Mutex<[String: String]>([:])
        let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "sealed", topics: [Topics.intakeNotices]), logger: logger)
        let service = EventConsumerService(name: "sealed", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: producer, service: "tests"), logger: logger,
                                           keys: keys) { event in
            let notice = try event.decode(DetentionStarted.self)
            handled.withLock { $0[event.envelope.id] = notice.person.surname }
        }
        try await withServices([service]) {
            try await waitUntil("the intact and the plain record are handled", timeout: .seconds(60)) {
                handled.withLock { $0.count } >= 2
            }
        }
        #expect(handled.withLock { $0 } == ["intact": "Testpersoon", "plain": "Testpersoon"])
        let dead = try await readTopic(cluster.bootstrapServers, Topics.deadLetter, atLeast: 1)
        #expect(dead.count == 1)
        let letter = try #require(dead.first)
        #expect(letter.headers.text(DeadLetterHeader.reason) == "unreadable-sealed")
        #expect(letter.value == altered.value, "the dead letter keeps the record as it came")
        #expect(!String(decoding: letter.value, as: UTF8.self).contains("Testpersoon"))
        await producer.close()
    }
}
