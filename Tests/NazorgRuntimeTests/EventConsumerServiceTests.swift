import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing

private let logger = quietLogger("runtime.consumer.tests", level: .critical)

/// A partner that is away for a while.
private struct PartnerAway: TransientError {}

/// A handler that fails every call for `failFor` after its first call, then succeeds, and
/// counts what it saw.
private final class FlakyHandler: Sendable {
    struct State {
        var firstCall: ContinuousClock.Instant?
        var failures = 0
        var handled: [String: Int] = [:]
        var firstSuccess: ContinuousClock.Instant?
    }
    let failFor: Duration
    let state = Mutex(State())

    init(failFor: Duration) { self.failFor = failFor }

    func handle(_ event: ReceivedEvent) throws {
        try state.withLock { state in
            let now = ContinuousClock.now
            let first = state.firstCall ?? now
            state.firstCall = first
            if now - first < failFor {
                state.failures += 1
                throw PartnerAway()
            }
            state.firstSuccess = state.firstSuccess ?? now
            state.handled[event.envelope.id, default: 0] += 1
        }
    }
}

@Suite("Event consumer service", .serialized)
struct EventConsumerServiceTests {
    /// A member that retries a transient failure pauses its partitions and keeps polling, so
    /// a retry three times longer than `max.poll.interval.ms` costs it neither its membership
    /// nor its partitions. A member that stopped polling would be thrown out of the group
    /// and see its partitions revoked and assigned again.
    @Test func aRetryingConsumerKeepsItsGroupMembershipPastTheMaxPollInterval() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic("retries", partitions: 2)
        try cluster.createTopic(Topics.deadLetter, partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        let publisher = EventPublisher(producer: producer, source: "/tests")
        for i in 0..<10 {
            let consent = ConsentGiven(consentId: "c\(i)", subjectId: "subject-\(i)", domain: .housing, givenAt: Date())
            try await producer.send(publisher.record(consent, topic: "retries", key: "subject-\(i)", id: "event-\(i)",
                                                     subject: nil, trace: .random()))
        }

        let recorder = LogRecorder()
        var configuration = fastConsumerConfiguration(cluster.bootstrapServers)
        configuration.properties["session.timeout.ms"] = "3000"
        configuration.properties["max.poll.interval.ms"] = "4000"
        let consumer = try KafkaConsumer(configuration: configuration,
                                         options: ConsumerOptions(groupID: "retrying", topics: ["retries"]),
                                         logger: recorder.logger("kafka"))
        let handler = FlakyHandler(failFor: .seconds(12))
        let service = EventConsumerService(name: "retrying", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: producer, service: "tests"), logger: logger,
                                           maxAttempts: 2) { event in try handler.handle(event) }
        try await withServices([service]) {
            try await waitUntil("every event is handled", timeout: .seconds(120)) {
                handler.state.withLock { $0.handled.count } == 10
            }
            // Checked before shutdown: leaving the group at the end revokes, as it should.
            #expect(recorder.count("kafka partitions revoked") == 0)
            #expect(recorder.count("kafka partitions assigned") == 1)
        }
        let state = handler.state.withLock { $0 }
        let first = try #require(state.firstCall)
        let success = try #require(state.firstSuccess)
        #expect(success - first >= .seconds(12), "the retry outlasted max.poll.interval.ms three times over")
        #expect(state.failures >= 5)
        #expect(state.handled.values.allSatisfy { $0 == 1 }, "each event handled once: \(state.handled)")
        #expect(try await readTopic(cluster.bootstrapServers, Topics.deadLetter, atLeast: 0, timeout: .seconds(2)).isEmpty,
                "a transient failure is retried without limit, never dead-lettered")
        await producer.close()
    }

    /// An event whose output the producer refuses for good (a record over the size limit) is
    /// dead-lettered as `output-refused`, alone: the batch is completed event by event, and
    /// every other event's record is written and committed.
    @Test func anEventWhoseOutputIsRefusedForGoodIsDeadLetteredAlone() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in ["refusals-in", "refusals-out", Topics.deadLetter] { try cluster.createTopic(topic, partitions: 1) }
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        let publisher = EventPublisher(producer: producer, source: "/tests")
        for i in 0..<20 {
            let consent = ConsentGiven(consentId: "c\(i)", subjectId: "subject-\(i)", domain: .housing, givenAt: Date())
            try await producer.send(publisher.record(consent, topic: "refusals-in", key: "subject-\(i)", id: "event-\(i)",
                                                     subject: nil, trace: .random()))
        }
        let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "refusals", topics: ["refusals-in"]), logger: logger)
        let service = EventConsumerService(name: "refusals", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: producer, service: "tests"), logger: logger,
                                           maxAttempts: 2, handler: CopyingHandler(oversized: "event-7"))
        try await withServices([service]) {
            // The events before the refused one may be copied more than once (the batch was
            // tried whole before it was completed event by event); each is there at least once.
            let expected = Set((0..<20).filter { $0 != 7 }.map { "event-\($0)" })
            try await waitUntil("every other event is copied", timeout: .seconds(90)) {
                let copied = try await readTopic(cluster.bootstrapServers, "refusals-out", atLeast: 1_000, timeout: .seconds(12))
                return Set(copied.compactMap(\.keyText)) == expected
            }
            let dead = try await readTopic(cluster.bootstrapServers, Topics.deadLetter, atLeast: 1)
            #expect(dead.count == 1)
            #expect(dead.first?.headers.text(DeadLetterHeader.reason) == "output-refused")
            #expect(dead.first?.headers.text(CloudEventHeader.id) == "event-7")
        }
        await producer.close()
    }
}

/// Copies every event to `refusals-out`, keyed by its id; one event's copy is larger than
/// any broker takes.
private struct CopyingHandler: BatchEventHandler {
    let oversized: String

    func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws {
        let size = event.envelope.id == oversized ? 3_000_000 : 100
        records.write(ProducerRecord(topic: "refusals-out", key: event.envelope.id, value: Array(repeating: 0x61, count: size)))
    }

    func finish(_ effects: [Void]) async throws {}
}
