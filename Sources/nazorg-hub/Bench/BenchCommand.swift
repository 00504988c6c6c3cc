import ArgumentParser
import Foundation
import Logging
import NazorgKafka

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks (use a release build).",
                                                    subcommands: [KafkaBench.self, FilterBench.self, ConsentBench.self, IntakeBench.self, MonitoringBench.self, PlanningBench.self, E2EBench.self])
}

/// Produce and batch-consume throughput of the Kafka layer on the embedded broker, next to
/// raw librdkafka measured in the same run.
struct KafkaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Produce and batch-consume throughput on the embedded broker, with raw librdkafka as baseline.")

    @Option(name: .long, help: "Records per round (the embedded broker keeps about 5 MiB per partition).")
    var messages = 250_000

    @Option(name: .long, help: "Record size in bytes.")
    var size = 1024

    @Option(name: .long, help: "Partitions of the benchmark topics.")
    var partitions: Int32 = 64

    @Option(name: .long, help: "Rounds; the median is reported.")
    var rounds = 3

    func validate() throws {
        guard messages > 0, size > 0, partitions > 0, rounds > 0 else { throw ValidationError("all counts must be positive") }
        if messages * size > Int(partitions) * 4 * 1024 * 1024 {
            throw ValidationError("\(messages) records of \(size) bytes do not fit the embedded broker's ~5 MiB per partition; add partitions")
        }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench")
        let value = [UInt8](repeating: 0x61, count: size)
        var results: [String: [Double]] = [:]
        var startups: [Double] = []
        for round in 0..<rounds {
            // A fresh broker per round: the mock cluster keeps every record in memory.
            let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
            defer { cluster.shutdown() }
            let rawTopic = "bench-raw-\(round)"
            let swiftTopic = "bench-swift-\(round)"
            try cluster.createTopic(rawTopic, partitions: partitions)
            try cluster.createTopic(swiftTopic, partitions: partitions)

            let rawProduce = try RawLibrdkafka.produce(bootstrap: cluster.bootstrapServers, topic: rawTopic, count: messages,
                                                       value: value, partitions: partitions)
            results["raw produce", default: []].append(Double(messages) / rawProduce)
            let swiftProduce = try await produce(cluster: cluster, topic: swiftTopic, value: value, logger: logger)
            results["swift produce", default: []].append(Double(messages) / swiftProduce)

            let rawConsume = try RawLibrdkafka.consume(bootstrap: cluster.bootstrapServers, topic: rawTopic, count: messages,
                                                       partitions: partitions)
            results["raw consume", default: []].append(Double(messages) / rawConsume)
            let swiftConsume = try await consume(cluster: cluster, topic: swiftTopic, round: round, logger: logger)
            results["swift consume", default: []].append(swiftConsume.rate)
            startups.append(swiftConsume.startup)
        }
        print("nazorg-hub bench kafka: \(messages) records of \(size) B, \(partitions) partitions, 1 embedded broker, median of \(rounds)")
        for name in ["raw produce", "swift produce", "raw consume", "swift consume"] {
            let runs = results[name, default: []]
            let median = runs.sorted()[runs.count / 2]
            print("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", median)) msg/s  \(String(format: "%7.1f", median * Double(size) / 1_048_576)) MiB/s   rounds in order: \(runs.map { String(format: "%.0f", $0) }.joined(separator: ", "))")
        }
        let swiftProduce = results["swift produce", default: []].sorted()[rounds / 2]
        let rawProduce = results["raw produce", default: []].sorted()[rounds / 2]
        let swiftConsume = results["swift consume", default: []].sorted()[rounds / 2]
        let rawConsume = results["raw consume", default: []].sorted()[rounds / 2]
        print(String(format: "  swift/raw: produce %.2f, consume %.2f", swiftProduce / rawProduce, swiftConsume / rawConsume))
        print("  swift consumer start-up (first record to every partition fetching), s: "
              + startups.map { String(format: "%.2f", $0) }.joined(separator: ", "))
    }

    /// Seconds until every record was acknowledged, using the Swift producer's batch send.
    private func produce(cluster: EmbeddedKafkaCluster, topic: String, value: [UInt8], logger: Logger) async throws -> Double {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        // Warm up the connection and metadata outside the timed part.
        try await producer.send(ProducerRecord(topic: topic, key: nil, value: value, partition: 0))
        let start = ContinuousClock.now
        // Batches of 10,000, four in flight: a caller that waits for each batch's last
        // acknowledgement before sending more would leave the pipeline idle in between.
        let chunk = 10_000
        let (messages, partitions) = (self.messages, self.partitions)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 1
            var running = 0
            while next < messages {
                if running == 4 {
                    try await group.next()
                    running -= 1
                }
                let range = next..<min(next + chunk, messages)
                group.addTask {
                    try await producer.send(batch: range.map {
                        ProducerRecord(topic: topic, key: nil, value: value, partition: Int32($0) % partitions)
                    })
                }
                running += 1
                next = range.upperBound
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        await producer.close()
        return elapsed.seconds
    }

    /// Steady-state rate of a group consumer that commits every batch: timed from the moment
    /// every partition has delivered its first record (joining the group and fetching each
    /// partition's committed offset is start-up, not throughput) to the last record.
    private func consume(cluster: EmbeddedKafkaCluster, topic: String, round: Int, logger: Logger) async throws -> (rate: Double, startup: Double) {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, properties: RawLibrdkafka.consumerTuning),
            options: ConsumerOptions(groupID: "bench-swift-\(round)", topics: [topic], maxBatchSize: 10_000,
                                     pollTimeout: .milliseconds(200)),
            logger: logger)
        var received = 0
        var started = Set<Int32>()
        var first: ContinuousClock.Instant?
        var start: ContinuousClock.Instant?
        var timed = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while received < messages && ContinuousClock.now < deadline {
            let batch = try await consumer.poll()
            if batch.isEmpty { continue }
            if first == nil { first = .now }
            if start == nil {
                for record in batch { started.insert(record.partition) }
                if started.count == Int(partitions) { start = .now }
            } else {
                timed += batch.count
            }
            received += batch.count
            try await consumer.commit(batch)
        }
        let end = ContinuousClock.now
        await consumer.close()
        guard received >= messages, let first, let start, timed > 0 else {
            throw RawLibrdkafka.Failure(description: "swift consumer read \(received) of \(messages)")
        }
        return (Double(timed) / (end - start).seconds, (start - first).seconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A quiet logger for a benchmark, after a warning when the build is not a release build.
func benchLogger(_ label: String = "nazorg.bench") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .error
    #if DEBUG
    printFlushed("warning: this is a debug build; benchmark figures need `swift build -c release`")
    #endif
    return logger
}
