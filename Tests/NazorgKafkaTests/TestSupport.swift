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
