import ArgumentParser
import Foundation
import Logging
import NazorgContracts
import NazorgFilter
import NazorgKafka
import NazorgMonitoring
import NazorgRuntime
import Synchronization

/// Rebuild of the monitoring read model from a backlog on the feed: monitoring's own
/// `FeedHandler` over a fresh `SQLiteMonitoringStore` file on disk, in the real consumer
/// service, on the embedded broker. The read model it builds is then checked against what
/// the generated feed implies, so a fast but wrong rebuild fails.
///
/// The whole backlog is written before the rebuild starts (a rebuild reads a topic that is
/// already full), so the feed topic needs enough partitions to hold it: the embedded broker
/// keeps about 5 MiB per partition and silently drops older records.
struct MonitoringBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitoring",
        abstract: "Rebuild of the monitoring read model (SQLite on disk) from a backlog of FlowObserved events.")

    @Option(name: .long, help: "FlowObserved records on the feed per round.")
    var events = 1_000_000

    @Option(name: .long, help: "Partitions of the feed topic (the embedded broker keeps about 5 MiB per partition).")
    var partitions: Int32 = 256

    @Option(name: .long, help: "Largest batch one poll hands out (1000, the monitoring service's default).")
    var batch = 1000

    @Option(name: .long, help: "Rounds; the median is reported.")
    var rounds = 3

    @Option(name: .long, help: "Seed of the generated feed; the same seed writes the same feed.")
    var seed: UInt64 = 20_261_123

    @Option(name: .long, help: "Directory for the read model's SQLite file (a fresh file per round, removed after it).")
    var dataDir = FileManager.default.temporaryDirectory.path

    /// The issue's target: 1,000,000 events in under 60 s.
    static let targetRate = 1_000_000.0 / 60

    func validate() throws {
        guard events >= 1000, partitions > 0, batch > 0, rounds > 0 else {
            throw ValidationError("events must be at least 1000, and partitions, batch and rounds positive")
        }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench")
        var results: [RoundResult] = []
        var feed: LoadedFeed?
        for round in 0..<rounds {
            // A fresh broker per round: the mock cluster keeps every record in memory.
            let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
            defer { cluster.shutdown() }
            try cluster.createTopic(Topics.monitoringFeed, partitions: partitions)
            progress("round \(round + 1)/\(rounds): writing \(grouped(events)) FlowObserved to \(Topics.monitoringFeed)")
            let loaded = try await load(cluster: cluster, logger: logger)
            feed = loaded
            progress("round \(round + 1)/\(rounds): rebuilding the read model")
            let result = try await rebuild(cluster: cluster, feed: loaded, round: round, logger: logger)
            results.append(result)
            progress(String(format: "round %d/%d: %.1f s, %.0f events/s, read model checked", round + 1, rounds,
                            result.seconds, Double(events) / result.seconds))
        }
        guard let feed else { return }
        report(results, feed: feed)
    }

    private func report(_ results: [RoundResult], feed: LoadedFeed) {
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        let inOrder = { (values: [Double], format: String) in values.map { String(format: format, $0) }.joined(separator: " · ") }
        let seconds = results.map(\.seconds)
        let rates = seconds.map { Double(events) / $0 }
        let targetSeconds = 60 * Double(events) / 1_000_000
        let mib = { (bytes: Int) in Double(bytes) / 1_048_576 }
        let expected = feed.expected
        print("nazorg-hub bench monitoring: \(grouped(events)) FlowObserved (\(grouped(feed.repeats)) of them repeated deliveries), "
              + "\(partitions) partitions, batches up to \(batch), 1 embedded broker, SQLite on disk, median of \(rounds)")
        print("  mix: notices \(grouped(expected.notices)), cases opened \(grouped(feed.casesOpened)) (open \(grouped(expected.openCases))), "
              + "tasks \(grouped(expected.tasksByStatus.values.reduce(0, +))), status changes \(grouped(feed.statusChanges)), "
              + "escalations \(grouped(expected.escalations)), \(String(format: "%.0f", feed.averageBytes)) B per record")
        print(String(format: "  events/s          %9.0f   (target ≥ %.0f: %@)   rounds in order: %@", median(rates), Self.targetRate,
                     median(rates) >= Self.targetRate ? "met" : "missed", inOrder(rates, "%.0f")))
        print(String(format: "  rebuild, s        %9.1f   (target < %.0f s: %@)   rounds in order: %@", median(seconds), targetSeconds,
                     median(seconds) < targetSeconds ? "met" : "missed", inOrder(seconds, "%.1f")))
        let onDisk = results.map { mib($0.fileBytes + $0.walBytes) }
        print(String(format: "  SQLite on disk, MiB %7.1f   (database %.1f + WAL %.1f; no target)   rounds in order: %@",
                     median(onDisk), median(results.map { mib($0.fileBytes) }), median(results.map { mib($0.walBytes) }),
                     inOrder(onDisk, "%.1f")))
        print(String(format: "  in the read model's transactions, s: %@ (overlapping the consumer's polling, decoding and commits where it pipelines)",
                     inOrder(results.map(\.applying), "%.1f")))
        print(String(format: "  start-up until the first batch was applied (group join, first fetch; not timed), s: %@",
                     inOrder(results.map(\.startup), "%.2f")))
        print("  read model equal to the generated mix in every round: open cases, notices per type, "
              + "tasks per status and partner, escalations per reason")
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("… \(line)\n".utf8))
    }

    /// Writes the generated feed, a few batches in flight, and returns what it implies.
    private func load(cluster: EmbeddedKafkaCluster, logger: Logger) async throws -> LoadedFeed {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        let publisher = EventPublisher(producer: producer, source: FilterService.source)
        var generator = MonitoringFeedGenerator(total: events, seed: seed)
        var written = 0
        var bytes = 0
        let (events, partitions) = (self.events, self.partitions)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var running = 0
                var reported = 0
                while true {
                    let chunk = generator.next(10_000)
                    if chunk.isEmpty { break }
                    // As the filter writes them: keyed by the subject, the observation id as event id.
                    let records = try chunk.map {
                        try publisher.record($0, topic: Topics.monitoringFeed, key: $0.subjectId, id: $0.observationId,
                                             subject: $0.subjectId, trace: .random(), time: $0.occurredAt)
                    }
                    bytes += records.reduce(0) { total, record in
                        total + record.value.count + (record.key?.count ?? 0)
                            + record.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
                    }
                    if written == 0 {
                        // Refuse before writing what the broker would drop: about 5 MiB per
                        // partition, with room for record overhead and uneven key spread.
                        let perRecord = Double(bytes) / Double(records.count) + 60
                        let needed = Int((Double(events) * perRecord * 1.3 / (5 * 1_048_576)).rounded(.up))
                        if needed > Int(partitions) {
                            throw ValidationError("\(events) records of about \(Int(perRecord)) B do not fit the embedded broker's "
                                                  + "~5 MiB per partition in \(partitions) partitions; use --partitions \(needed) or more")
                        }
                    }
                    if running == 4 {
                        try await group.next()
                        running -= 1
                    }
                    group.addTask { try await producer.send(batch: records) }
                    running += 1
                    written += records.count
                    if written - reported >= 200_000 {
                        progress("written \(grouped(written)) of \(grouped(events))")
                        reported = written
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            await producer.close()
            throw error
        }
        await producer.close()
        return LoadedFeed(expected: generator.expectedSummary, unique: written - generator.repeats, repeats: generator.repeats,
                          casesOpened: generator.casesOpened, statusChanges: generator.statusChanges,
                          averageBytes: Double(bytes) / Double(max(1, written)))
    }

    /// Runs monitoring's consumer over the backlog until every record was handled, then
    /// checks the read model.
    private func rebuild(cluster: EmbeddedKafkaCluster, feed: LoadedFeed, round: Int, logger: Logger) async throws -> RoundResult {
        let directory = URL(fileURLWithPath: dataDir).appendingPathComponent("nazorg-bench-monitoring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("monitoring.sqlite").path
        let store = TimedStore(try SQLiteMonitoringStore(path: path))
        // The same clients as MonitoringService.make: the producer only writes dead letters.
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let consumer = try KafkaConsumer(configuration: kafka, options: ConsumerOptions(
            groupID: "bench-monitoring-\(round)", topics: [Topics.monitoringFeed], maxBatchSize: batch), logger: logger)
        let counted = CountedHandler(FeedHandler(store: store, logger: logger))
        let service = EventConsumerService(name: "monitoring", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: producer, service: "monitoring"),
                                           logger: logger, handler: counted)
        let started = ContinuousClock.now
        var firstSeen: ContinuousClock.Instant?
        let running = Task { try await service.run() }
        var lastReport = ContinuousClock.now
        var lastCount = 0
        var lastChange = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(600)
        while true {
            let finished = counted.finished
            if finished != lastCount {
                if lastCount == 0 { firstSeen = .now }
                lastCount = finished
                lastChange = .now
            }
            if finished >= events { break }
            // A repeat that lands in the batch of its original is staged once by the
            // consumer service, so the count may stop between the unique and the total.
            if finished >= feed.unique && ContinuousClock.now - lastChange > .seconds(2) { break }
            guard ContinuousClock.now < deadline else {
                running.cancel()
                _ = try? await running.value
                await producer.close()
                throw RawLibrdkafka.Failure(description: "monitoring handled \(finished) of \(events) records in 600 s; "
                                            + "if the broker dropped records (about 5 MiB per partition), add partitions")
            }
            try await Task.sleep(for: .milliseconds(20))
            if ContinuousClock.now - lastReport > .seconds(2) {
                let elapsed = counted.elapsed.seconds
                progress("rebuild: \(grouped(finished)) of \(grouped(events))"
                         + (elapsed > 0 ? String(format: ", %.0f events/s", Double(finished) / elapsed) : ""))
                lastReport = .now
            }
        }
        let seconds = counted.elapsed.seconds
        running.cancel()
        _ = try? await running.value
        await producer.close()

        let built = try await store.summary()
        if built != feed.expected {
            throw RawLibrdkafka.Failure(description: "the rebuilt read model differs from the generated feed: "
                                        + Self.differences(built, feed.expected))
        }
        let size = { (file: String) in
            (try? URL(fileURLWithPath: file).resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0
        }
        return RoundResult(seconds: seconds, applying: store.applying.seconds, startup: ((firstSeen ?? started) - started).seconds,
                           fileBytes: size(path), walBytes: size(path + "-wal"))
    }

    /// Names each figure of the summary that differs, with both values (counts only).
    static func differences(_ built: MonitoringSummary, _ expected: MonitoringSummary) -> String {
        var lines: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { lines.append("\(name): built \(a), expected \(b)") }
        }
        compare("notices", built.notices, expected.notices)
        compare("notices by type", built.noticesByType, expected.noticesByType)
        compare("open cases", built.openCases, expected.openCases)
        compare("escalations", built.escalations, expected.escalations)
        compare("escalations by reason", built.escalationsByReason, expected.escalationsByReason)
        compare("tasks by status", built.tasksByStatus, expected.tasksByStatus)
        compare("tasks by partner", built.tasksByPartner, expected.tasksByPartner)
        return lines.joined(separator: "; ")
    }

    /// 1234567 as "1,234,567".
    private func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    struct RoundResult {
        var seconds: Double
        /// Of `seconds`, the time spent inside the read model's batch transactions.
        var applying: Double
        var startup: Double
        var fileBytes: Int
        var walBytes: Int
    }

    struct LoadedFeed {
        var expected: MonitoringSummary
        var unique: Int
        var repeats: Int
        var casesOpened: Int
        var statusChanges: Int
        var averageBytes: Double
    }
}

/// Times the read model's batch transactions, to tell them apart from the consumer's own work.
private final class TimedStore: MonitoringStore {
    private let inner: SQLiteMonitoringStore
    private let total = Mutex<Duration>(.zero)

    init(_ inner: SQLiteMonitoringStore) { self.inner = inner }

    var applying: Duration { total.withLock { $0 } }

    func apply(_ observation: FlowObserved) async throws -> Bool {
        try await apply([observation]) == 1
    }

    func apply(_ observations: [FlowObserved]) async throws -> Int {
        let start = ContinuousClock.now
        defer { total.withLock { $0 += ContinuousClock.now - start } }
        return try await inner.apply(observations)
    }

    func summary() async throws -> MonitoringSummary { try await inner.summary() }
}
