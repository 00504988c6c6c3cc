import Foundation
import Logging
import NazorgContracts
import NazorgKafka

/// What a topic holds, read from the beginning by a new consumer group: how many records,
/// and which CloudEvents ids (`ce_id`), so a benchmark can check that every event a service
/// acknowledged to its client is really there.
struct TopicCensus: Sendable {
    var records = 0
    var ids: Set<String> = []
    /// Records whose `ce_id` was seen before (an idempotent producer writes none).
    var repeated = 0

    /// Reads `topic` until every id in `expected` was seen and a poll found nothing more, or
    /// until `timeout` passes.
    static func take(bootstrap: String, topic: String, expected: Set<String>, timeout: Duration,
                     logger: Logger) async throws -> TopicCensus {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, clientID: "nazorg-bench-census",
                                              properties: ["fetch.wait.max.ms": "50"]),
            options: ConsumerOptions(groupID: "nazorg-bench-census-\(UUID().uuidString)", topics: [topic],
                                     maxBatchSize: 10_000, pollTimeout: .milliseconds(500)),
            logger: logger)
        var census = TopicCensus()
        var missing = expected.count
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let batch = try await consumer.poll()
            if batch.isEmpty && missing == 0 { break }
            for record in batch {
                census.records += 1
                guard let id = record.headers.text(CloudEventHeader.id) else { continue }
                if !census.ids.insert(id).inserted {
                    census.repeated += 1
                } else if expected.contains(id) {
                    missing -= 1
                }
            }
        }
        await consumer.close()
        return census
    }
}
