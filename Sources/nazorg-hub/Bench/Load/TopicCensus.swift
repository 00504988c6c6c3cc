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
        var census = TopicCensus()
        var missing = expected.count
        try await scan(bootstrap: bootstrap, topic: topic, timeout: timeout, logger: logger, until: { missing == 0 }) { record in
            census.records += 1
            guard let id = record.headers.text(CloudEventHeader.id) else { return }
            if !census.ids.insert(id).inserted {
                census.repeated += 1
            } else if expected.contains(id) {
                missing -= 1
            }
        }
        return census
    }

    /// Reads `topic` from the beginning in a new consumer group and hands every record to
    /// `each`, until `done` holds and a poll found nothing more, or until `timeout` passes.
    /// Returns whether `done` held in the end.
    @discardableResult
    static func scan(bootstrap: String, topic: String, timeout: Duration, logger: Logger,
                     until done: () -> Bool, each: (ConsumerRecord) throws -> Void) async throws -> Bool {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, clientID: "nazorg-bench-census",
                                              properties: ["fetch.wait.max.ms": "50"]),
            options: ConsumerOptions(groupID: "nazorg-bench-census-\(UUID().uuidString)", topics: [topic],
                                     maxBatchSize: 10_000, pollTimeout: .milliseconds(500)),
            logger: logger)
        let deadline = ContinuousClock.now + timeout
        do {
            while ContinuousClock.now < deadline {
                let batch = try await consumer.poll()
                if batch.isEmpty && done() { break }
                for record in batch { try each(record) }
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        return done()
    }
}
