import Foundation
import NazorgKafka
import NazorgTestSupport
import Testing

@Suite("Consumer groups and faults", .serialized)
struct KafkaGroupTests {
    @Test func twoConsumersSplitPartitionsAndRebalanceLosesNothing() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("split", partitions: 6, replicationFactor: 3)
        let config = fastGroupConfiguration(cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        let options = ConsumerOptions(groupID: "split-group", topics: ["split"], maxBatchSize: 20)

        try await producer.send(batch: records(topic: "split", values("a", 0..<300)))
        let first = try KafkaConsumer(configuration: config, options: options, logger: testLogger)
        let seenFirst = Seen()
        let loopFirst = consumeLoop(first, into: seenFirst)
        try await waitUntil("the first consumer reads", timeout: .seconds(90)) { !seenFirst.distinct.isEmpty }

        let second = try KafkaConsumer(configuration: config, options: options, logger: testLogger)
        let seenSecond = Seen()
        let loopSecond = consumeLoop(second, into: seenSecond)
        try await producer.send(batch: records(topic: "split", values("b", 0..<300)))
        try await waitUntil("the second consumer gets partitions and reads", timeout: .seconds(90)) { !seenSecond.distinct.isEmpty }
        try await waitUntil("both consumers together read everything so far", timeout: .seconds(90)) {
            seenFirst.distinct.union(seenSecond.distinct).count == 600
        }
        // The group may still be settling after the second member's first records: wait for a
        // split in which both hold partitions and together hold all of them.
        try await waitUntil("the group splits the partitions between both members", timeout: .seconds(90)) {
            let firstPartitions = Set(try await first.assignment().map(\.partition))
            let secondPartitions = Set(try await second.assignment().map(\.partition))
            return !firstPartitions.isEmpty && !secondPartitions.isEmpty && firstPartitions.isDisjoint(with: secondPartitions)
                && firstPartitions.union(secondPartitions) == Set(0..<6)
        }

        // The first member leaves; the second takes over every partition and misses nothing.
        loopFirst.cancel()
        await loopFirst.value
        await first.close()
        try await producer.send(batch: records(topic: "split", values("c", 0..<300)))
        let expected = Set(values("a", 0..<300) + values("b", 0..<300) + values("c", 0..<300))
        try await waitUntil("the remaining consumer reads the rest", timeout: .seconds(90)) {
            seenFirst.distinct.union(seenSecond.distinct) == expected
        }
        try await waitUntil("the remaining consumer owns every partition", timeout: .seconds(90)) {
            Set(try await second.assignment().map(\.partition)) == Set(0..<6)
        }
        loopSecond.cancel()
        await loopSecond.value
        await second.close()
        await producer.close()
        // Records read while the group was moving may come twice (the embedded broker refuses
        // commits during a rebalance); records read in a settled group come exactly once.
        let counts = seenSecond.counts
        #expect(values("c", 0..<300).allSatisfy { counts[$0] == 1 })
    }

    @Test func consumerThatDiesBeforeCommittingGetsRecordsAgain() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("redeliver", partitions: 1)
        let config = fastGroupConfiguration(cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        try await producer.send(batch: records(topic: "redeliver", values("r", 0..<50)))
        await producer.close()
        let options = ConsumerOptions(groupID: "redeliver-group", topics: ["redeliver"], maxBatchSize: 10)

        // The first consumer commits the first batch only, then dies without closing.
        let doomed = try KafkaConsumer(configuration: config, options: options, logger: testLogger)
        var firstBatch: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while firstBatch.isEmpty && ContinuousClock.now < deadline { firstBatch = try await doomed.poll() }
        try #require(!firstBatch.isEmpty)
        // A deferred commit is tried again: the test needs the first batch committed.
        var unprocessed = try await commitUntilCommitted(doomed, firstBatch)
        while unprocessed.isEmpty && ContinuousClock.now < deadline { unprocessed = try await doomed.poll() }
        #expect(!unprocessed.isEmpty)
        await doomed.abandonForTesting()

        let heir = try KafkaConsumer(configuration: config, options: options, logger: testLogger)
        let seen = Seen()
        let loop = consumeLoop(heir, into: seen)
        let committedValues = Set(firstBatch.map { String(decoding: $0.value, as: UTF8.self) })
        let rest = Set(values("r", 0..<50)).subtracting(committedValues)
        try await waitUntil("the heir reads every uncommitted record", timeout: .seconds(90)) { seen.distinct == rest }
        loop.cancel()
        await loop.value
        await heir.close()
        #expect(seen.distinct.isDisjoint(with: committedValues))
        for record in unprocessed {
            #expect(seen.distinct.contains(String(decoding: record.value, as: UTF8.self)))
        }
    }

    @Test func brokerDownAndUpMidStreamLosesNothing() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("faults", partitions: 3, replicationFactor: 3)
        for partition in Int32(0)..<3 { try cluster.setPartitionLeader(topic: "faults", partition: partition, broker: 1) }
        let config = fastGroupConfiguration(cluster.bootstrapServers)
        // A busy machine may stretch the outage; records wait for the broker rather than time out.
        var producerConfig = producerConfiguration(cluster.bootstrapServers)
        producerConfig.properties["message.timeout.ms"] = "300000"
        let producer = try KafkaProducer(configuration: producerConfig, logger: testLogger)
        let consumer = try KafkaConsumer(configuration: config,
                                         options: ConsumerOptions(groupID: "faults-group", topics: ["faults"]),
                                         logger: testLogger)
        let seen = Seen()
        let loop = consumeLoop(consumer, into: seen)

        let all = values("f", 0..<2000)
        let sender = Task {
            for chunk in stride(from: 0, to: all.count, by: 100) {
                try await producer.send(batch: records(topic: "faults", Array(all[chunk..<min(chunk + 100, all.count)])))
            }
        }
        try await waitUntil("some records flow", timeout: .seconds(90)) { seen.total > 0 }
        try cluster.setBrokerDown(1)
        try await Task.sleep(for: .milliseconds(1500))  // the outage itself, not synchronisation
        try cluster.setBrokerUp(1)
        try await sender.value
        try await waitUntil("every record arrives after the outage", timeout: .seconds(120)) { seen.distinct.count == all.count }
        loop.cancel()
        await loop.value
        await consumer.close()
        await producer.close()
        #expect(seen.distinct == Set(all))
        // The idempotent producer's retries wrote no duplicates.
        #expect(seen.counts.values.allSatisfy { $0 == 1 })
    }

    @Test func retriableCommitErrorIsDeferredAndThePermanentOneThrown() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("commits", partitions: 1)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        try await producer.send(batch: records(topic: "commits", values("m", 0..<40)))
        await producer.close()
        let config = fastGroupConfiguration(cluster.bootstrapServers)
        let options = ConsumerOptions(groupID: "commits-group", topics: ["commits"], maxBatchSize: 10)
        let consumer = try KafkaConsumer(configuration: config, options: options, logger: testLogger)
        var batch: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while batch.isEmpty && ContinuousClock.now < deadline { batch = try await consumer.poll() }
        try #require(!batch.isEmpty)

        // OffsetCommit (API key 8) answers REBALANCE_IN_PROGRESS (27): not a failure of the consumer.
        cluster.pushRequestErrors(apiKey: 8, errors: [27])
        let outcome = try await consumer.commit(batch)
        guard case .deferred(let error) = outcome else {
            Issue.record("a commit refused for a rebalance was not deferred: \(outcome)")
            return
        }
        #expect(error.code == 27)
        #expect(error.kind == .retriable)

        // OFFSET_METADATA_TOO_LARGE (12) will never succeed: it is thrown, and says it is permanent.
        cluster.pushRequestErrors(apiKey: 8, errors: [12])
        let thrown = await #expect(throws: KafkaError.self) { try await consumer.commit(batch) }
        #expect(thrown?.kind == .permanent)

        // The offsets stayed stored; the next commit carries them.
        try await commitUntilCommitted(consumer, batch)
        await consumer.close()
        let committed = Set(batch.map { String(decoding: $0.value, as: UTF8.self) })
        let rest = Set(values("m", 0..<40)).subtracting(committed)
        let heir = try KafkaConsumer(configuration: config, options: options, logger: testLogger)
        let seen = Seen()
        let loop = consumeLoop(heir, into: seen)
        try await waitUntil("the next member reads every uncommitted record", timeout: .seconds(90)) { seen.distinct == rest }
        loop.cancel()
        await loop.value
        await heir.close()
        #expect(seen.distinct.isDisjoint(with: committed))
    }

    @Test func requestErrorsAreRetriedByTheIdempotentProducer() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        try cluster.createTopic("flaky", partitions: 1)
        let producer = try KafkaProducer(configuration: producerConfiguration(cluster.bootstrapServers), logger: testLogger)
        // Produce (API key 0) answers NOT_ENOUGH_REPLICAS (19) twice, then succeeds.
        cluster.pushRequestErrors(apiKey: 0, errors: [19, 19])
        let report = try await producer.send(ProducerRecord(topic: "flaky", key: "k", value: Array("x".utf8)))
        #expect(report.offset == 0)
        await producer.close()
    }
}
