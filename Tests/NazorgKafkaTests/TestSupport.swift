import Foundation
import Logging
import NazorgKafka
import Synchronization
import Testing

let testLogger: Logger = {
    var logger = Logger(label: "nazorg.kafka.tests")
    logger.logLevel = .warning
    return logger
}()

func producerConfiguration(_ bootstrap: String) -> KafkaConfiguration {
    KafkaConfiguration(bootstrapServers: bootstrap, clientID: "kafka-tests")
}

/// Consumer settings that make group changes quick on the embedded broker.
func fastGroupConfiguration(_ bootstrap: String) -> KafkaConfiguration {
    KafkaConfiguration(bootstrapServers: bootstrap, clientID: "kafka-tests", properties: [
        "session.timeout.ms": "4000",
        "heartbeat.interval.ms": "300",
        "fetch.wait.max.ms": "50",
        "topic.metadata.refresh.interval.ms": "1000",
    ])
}

/// Waits until `condition` holds, polling; fails the test when `timeout` passes first.
func waitUntil(_ what: String, timeout: Duration = .seconds(30),
               _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
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
func consumeLoop(_ consumer: KafkaConsumer, into seen: Seen) -> Task<Void, Never> {
    Task {
        while !Task.isCancelled {
            guard let batch = try? await consumer.poll() else { return }
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
