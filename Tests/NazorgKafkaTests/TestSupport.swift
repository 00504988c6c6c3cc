import Foundation
import Logging
import NazorgKafka
import Synchronization
import NazorgTestSupport
import Testing

let testLogger = quietLogger("nazorg.kafka.tests", level: .warning)

func producerConfiguration(_ bootstrap: String) -> KafkaConfiguration {
    KafkaConfiguration(bootstrapServers: bootstrap, clientID: "kafka-tests")
}

/// Consumer settings that make group changes quick on the embedded broker.
func fastGroupConfiguration(_ bootstrap: String) -> KafkaConfiguration {
    fastConsumerConfiguration(bootstrap, clientID: "kafka-tests")
}

/// Records what a consumer loop saw: values by partition, and how often each was seen.
final class Seen: Sendable {
    private let state = Mutex<[String: Int]>([:])

    func add(_ records: [ConsumerRecord]) {
        state.withLock { seen in
            for record in records { seen[String(decoding: record.value, as: UTF8.self), default: 0] += 1 }
        }
    }

    var distinct: Set<String> { state.withLock { Set($0.keys) } }
    var total: Int { state.withLock { $0.values.reduce(0, +) } }
    var counts: [String: Int] { state.withLock { $0 } }
}

/// Polls and commits every batch until cancelled or closed; what it read goes into `seen`.
/// A deferred commit is normal (its offsets go with the next commit); a retriable poll error
/// is tried again; only what the layer says is fatal or permanent counts as a failure.
func consumeLoop(_ consumer: KafkaConsumer, into seen: Seen) -> Task<Void, Never> {
    Task {
        while !Task.isCancelled {
            let batch: [ConsumerRecord]
            do {
                batch = try await consumer.poll()
            } catch let error as KafkaError where error.isRetriable {
                continue
            } catch {
                if !Task.isCancelled { Issue.record("poll failed: \(error)") }
                return
            }
            if batch.isEmpty { continue }
            seen.add(batch)
            do { try await consumer.commit(batch) } catch { Issue.record("commit failed: \(error)") }
        }
    }
}

func values(_ prefix: String, _ range: Range<Int>) -> [String] { range.map { "\(prefix)-\($0)" } }

func records(topic: String, _ values: [String]) -> [ProducerRecord] {
    values.map { ProducerRecord(topic: topic, key: "key-\($0)", value: Array($0.utf8)) }
}

/// Reads `topic` from the beginning with a new group until `done` holds for the values read
/// so far (recording an issue after `timeout`), and returns them.
func readValues(_ bootstrap: String, _ topic: String, timeout: Duration = .seconds(90),
                until done: (Set<String>) -> Bool) async throws -> Set<String> {
    let consumer = try KafkaConsumer(configuration: fastGroupConfiguration(bootstrap),
                                     options: ConsumerOptions(groupID: "reader-\(UUID().uuidString)", topics: [topic]),
                                     logger: testLogger)
    var seen = Set<String>()
    let deadline = ContinuousClock.now + timeout
    while !done(seen) && ContinuousClock.now < deadline {
        for record in try await consumer.poll() { seen.insert(String(decoding: record.value, as: UTF8.self)) }
    }
    await consumer.close()
    if !done(seen) { Issue.record("timed out reading \(topic): \(seen.count) values read") }
    return seen
}

/// Commits `records` until the group takes the offsets: a deferred commit (the group
/// rebalancing, the coordinator away) is normal and is simply tried again. Between tries it
/// polls, since a rebalance waits for the member's poll; it returns what those polls read.
@discardableResult
func commitUntilCommitted(_ consumer: KafkaConsumer, _ records: [ConsumerRecord],
                          timeout: Duration = .seconds(90)) async throws -> [ConsumerRecord] {
    var readMeanwhile: [ConsumerRecord] = []
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if case .committed = try await consumer.commit(records) { return readMeanwhile }
        readMeanwhile += try await consumer.poll()
    }
    Issue.record("the group never took the commit")
    return readMeanwhile
}
