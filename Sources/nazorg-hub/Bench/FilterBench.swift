import ArgumentParser
import CRawPipe
import Foundation
import Logging
import NazorgContracts
import NazorgFilter
import NazorgKafka
import NazorgRuntime
import Synchronization

/// Throughput of the consent-and-purpose filter (the real engine in the real consumer
/// service, disclosure log on) next to a raw librdkafka consume→produce pipe in C that does
/// the same Kafka work, on the same embedded broker, in the same run.
struct FilterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Records/s through the filter against a raw librdkafka consume→produce pipe (C).")

    @Option(name: .long, help: "TaskAssigned events per round.")
    var events = 50_000

    @Option(name: .long, help: "Approximate size of one TaskAssigned body in bytes.")
    var size = 1024

    @Option(name: .long, help: "Partitions of every benchmark topic (the embedded broker keeps about 5 MiB per partition).")
    var partitions: Int32 = 32

    @Option(name: .long, help: "Largest batch one poll hands out (the filter's and the pipe's).")
    var batch = 1000

    @Option(name: .long, help: "Rounds; the median is reported.")
    var rounds = 3

    @Option(name: .long, help: "Directory of partner policies (YAML).")
    var policies = "Contracts/policies"

    /// Off by default, as in production; on, it measures the filter with every event traced.
    @Flag(help: "Seal the personal members of the input and the partner records under per-person keys (--subject-keys).")
    var sealed = false

    @OptionGroup var tracing: TracingOptions

    static let target = 0.6

    func validate() throws {
        guard events > 0, size >= 256, partitions > 0, batch > 0, rounds > 0 else {
            throw ValidationError("events, partitions, batch and rounds must be positive and size at least 256")
        }
        if events * (size + 600) > Int(partitions) * 4 * 1024 * 1024 {
            throw ValidationError("\(events) events of \(size) bytes do not fit the embedded broker's ~5 MiB per partition; add partitions")
        }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench")
        let policySet = try PolicySet.load(directory: policies)
        let partnerIDs = try PartnerPseudonymizer(secret: Array("bench-filter-partner-key-not-a-secret-0123456789".utf8))
        let keyDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-bench-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: keyDirectory) }
        let keys = sealed ? try SubjectKeyStore(path: keyDirectory.appendingPathComponent("subject-keys.sqlite").path) : nil
        let sealing = keys.map(SubjectSealing.init)
        var generated: BenchTasks?
        var rates: [String: [Double]] = [:]
        var sizes: [Int] = []
        for round in 0..<rounds {
            let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
            defer { cluster.shutdown() }
            for topic in Topics.all + BenchTasks.partners.map({ Topics.partnerTasks($0.id) }) + RawPipe.topics {
                try cluster.createTopic(topic, partitions: partitions)
            }
            let loader = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
            let input = try generated ?? BenchTasks.make(count: events, size: size,
                                                         publisher: EventPublisher(producer: loader, source: "/nazorg-hub/planning",
                                                                                    sealing: sealing))
            generated = input
            try await loader.send(batch: input.records)
            try await loader.send(batch: input.records.map { record in
                var copy = record
                copy.topic = RawPipe.inputTopic
                return copy
            })
            await loader.close()

            progress("round \(round + 1)/\(rounds): filter")
            let filter = try await runFilter(cluster: cluster, input: input, policies: policySet, partnerIDs: partnerIDs,
                                             keys: keys, round: round, logger: logger)
            rates["filter", default: []].append(filter.rate)
            sizes = filter.outputSizes
            for waves in [1, 2] {
                progress("round \(round + 1)/\(rounds): raw pipe, \(waves == 1 ? "one wave" : "log first")")
                let raw = try RawPipe.run(bootstrap: cluster.bootstrapServers, group: "raw-\(waves)-\(round)",
                                          expected: events, outputSizes: sizes, waves: waves, batch: batch)
                rates[waves == 1 ? "raw" : "raw log-first", default: []].append(raw)
            }
        }
        let median = { (name: String) -> Double in
            let runs = rates[name, default: []].sorted()
            return runs[runs.count / 2]
        }
        print("nazorg-hub bench filter: \(events) TaskAssigned of ~\(size) B, \(partitions) partitions, batches up to \(batch), 1 embedded broker, median of \(rounds)"
              + (sealed ? ", personal members sealed (input opened, partner records sealed)" : ""))
        print("  writes per event: disclosure log \(sizes[0]) B, partner record \(sizes[1]) B, monitoring feed \(sizes[2]) B (value+key+headers)")
        for name in ["raw", "raw log-first", "filter"] {
            print("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", median(name))) events/s   rounds in order: "
                  + rates[name, default: []].map { String(format: "%.0f", $0) }.joined(separator: ", "))
        }
        let ratio = median("filter") / median("raw")
        print(String(format: "  filter/raw: %.2f (target ≥ %.1f: %@)", ratio, Self.target, ratio >= Self.target ? "met" : "missed"))
        print(String(format: "  filter/raw log-first: %.2f", median("filter") / median("raw log-first")))
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("… \(line)\n".utf8))
    }

    /// Runs the filter's consumer service until every event was handled; returns events/s
    /// from the first event staged to the last batch finished, and the sizes of what it wrote.
    private func runFilter(cluster: EmbeddedKafkaCluster, input: BenchTasks, policies: PolicySet,
                           partnerIDs: PartnerPseudonymizer, keys: SubjectKeyStore?, round: Int,
                           logger: Logger) async throws -> (rate: Double, outputSizes: [Int]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-bench-filter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FilterStore(path: directory.appendingPathComponent("filter.sqlite").path)
        for subject in input.consentingSubjects {
            try await store.setConsent(subjectId: subject, domain: .housing, given: true, consentId: "bench-\(subject)")
        }
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let consumer = try KafkaConsumer(configuration: kafka, options: ConsumerOptions(
            groupID: "bench-filter-\(round)", topics: [Topics.planningCaseEvents, Topics.consentEvents, Topics.intakeNotices],
            maxBatchSize: batch), logger: logger)
        let (tracer, exporter) = try HubTracer.make(try tracing.configuration(), service: "filter", logger: logger)
        let exporting = Task { try await exporter?.run() }
        defer { exporting.cancel() }
        let engine = FilterEngine(policies: policies, store: store, publisher: EventPublisher(producer: producer, source: FilterService.source,
                                                                                  sealing: keys.map(SubjectSealing.init)),
                                  partnerIDs: partnerIDs, logger: logger, tracer: tracer)
        let counted = CountedHandler(engine)
        let service = EventConsumerService(name: "filter", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: producer, service: "filter"),
                                           logger: logger, tracer: tracer, keys: keys, handler: counted)
        let running = Task { try await service.run() }
        var lastReport = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(600)
        while counted.finished < input.records.count {
            guard ContinuousClock.now < deadline else {
                running.cancel()
                throw RawLibrdkafka.Failure(description: "the filter handled \(counted.finished) of \(input.records.count) in 600 s")
            }
            try await Task.sleep(for: .milliseconds(20))
            if ContinuousClock.now - lastReport > .seconds(2) {
                progress("filter: \(counted.finished) of \(input.records.count)")
                lastReport = .now
            }
        }
        running.cancel()
        _ = try? await running.value
        let outputSizes = try await sampleSizes(cluster: cluster, logger: logger)
        await producer.close()
        let split = counted.split
        progress(String(format: "filter: %.0f events per batch on average; of %.2f s, staging %.2f s, finishing %.2f s",
                        counted.averageBatch, counted.elapsed.seconds, split.staging.seconds, split.finishing.seconds))
        return (Double(input.records.count) / counted.elapsed.seconds, outputSizes)
    }

    /// The average size of the first records the filter wrote to each of its output topics.
    private func sampleSizes(cluster: EmbeddedKafkaCluster, logger: Logger) async throws -> [Int] {
        var sizes: [Int] = []
        for topic in [Topics.filterDisclosures, Topics.partnerTasks(BenchTasks.partners[0].id), Topics.monitoringFeed] {
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers),
                options: ConsumerOptions(groupID: "bench-sizes-\(UUID().uuidString)", topics: [topic], maxBatchSize: 500),
                logger: logger)
            var sample: [ConsumerRecord] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while sample.isEmpty && ContinuousClock.now < deadline { sample = try await consumer.poll() }
            await consumer.close()
            guard !sample.isEmpty else { throw RawLibrdkafka.Failure(description: "no records on \(topic) to measure") }
            let bytes = sample.reduce(0) { total, record in
                total + record.value.count + (record.key?.count ?? 0)
                    + record.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
            }
            sizes.append(bytes / sample.count)
        }
        return sizes
    }
}

/// The benchmark's input: TaskAssigned events of about the requested size for three
/// partners, one of which needs consent (given beforehand for every subject).
struct BenchTasks {
    static let partners: [(id: String, role: PartnerRole, domain: Domain)] = [
        ("bench-burgerzaken", .civilAffairs, .id),
        ("bench-werk-inkomen", .socialServices, .income),
        ("bench-woningcorporatie", .housingCorporation, .housing),
    ]

    let records: [ProducerRecord]
    let consentingSubjects: [String]

    static func make(count: Int, size: Int, publisher: EventPublisher) throws -> BenchTasks {
        var records: [ProducerRecord] = []
        records.reserveCapacity(count)
        var consenting: [String] = []
        let now = Date()
        for i in 0..<count {
            let subject = String(format: "%064x", i)
            let partner = partners[i % partners.count]
            if partner.role == .housingCorporation { consenting.append(subject) }
            var task = TaskAssigned(
                taskId: "bench-task-\(i)", caseId: UUID(), subjectId: subject, municipality: "GM0599", prisonCode: "PI-BENCH",
                person: Person(bsn: "999990019", givenName: "Fictief", surname: "Benchmarkpersoon",
                               birthDate: CalendarDate(year: 1990, month: 1, day: 1)!),
                domain: partner.domain, partnerId: partner.id, partnerRole: partner.role,
                deadline: CalendarDate(year: 2027, month: 3, day: 15)!, expectedReleaseDate: CalendarDate(year: 2027, month: 3, day: 15)!,
                assignedAt: now)
            // Fill the surname with obviously synthetic text up to the requested body size.
            let missing = size - (try task.encodedJSON().count)
            if missing > 0 { task.person.surname += String(repeating: "x", count: missing) }
            records.append(try publisher.record(task, topic: Topics.planningCaseEvents, key: subject, id: "bench-assigned-\(i)",
                                                subject: subject, trace: .random(), time: now))
        }
        return BenchTasks(records: records, consentingSubjects: consenting)
    }
}

/// Counts the events a wrapped handler finished, and times them from the first staged.
final class CountedHandler<Inner: BatchEventHandler>: BatchEventHandler, Sendable {
    private let inner: Inner
    private let state = Mutex<(finished: Int, batches: Int, first: ContinuousClock.Instant?, last: ContinuousClock.Instant?,
                               staging: Duration, finishing: Duration)>((0, 0, nil, nil, .zero, .zero))

    init(_ inner: Inner) { self.inner = inner }

    var finished: Int { state.withLock { $0.finished } }
    /// Events per finished batch, on average.
    var averageBatch: Double { state.withLock { $0.batches == 0 ? 0 : Double($0.finished) / Double($0.batches) } }
    var elapsed: Duration {
        state.withLock { state in
            guard let first = state.first, let last = state.last else { return .zero }
            return last - first
        }
    }

    /// Time spent staging events and finishing batches; the rest of the elapsed time went to
    /// preparing, writing, committing and polling.
    var split: (staging: Duration, finishing: Duration) { state.withLock { ($0.staging, $0.finishing) } }

    func prepare(_ events: [ReceivedEvent]) async throws {
        try await inner.prepare(events)
    }

    func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws -> Inner.Effect {
        let start = ContinuousClock.now
        state.withLock { state in if state.first == nil { state.first = start } }
        defer { state.withLock { $0.staging += ContinuousClock.now - start } }
        return try await inner.stage(event, into: &records)
    }

    func finish(_ effects: [Inner.Effect]) async throws {
        let start = ContinuousClock.now
        try await inner.finish(effects)
        state.withLock { state in
            state.finishing += ContinuousClock.now - start
            state.finished += effects.count
            state.batches += 1
            state.last = .now
        }
    }
}

/// The C baseline (Sources/CRawPipe).
enum RawPipe {
    static let inputTopic = "bench-raw-input"
    static let outputTopics = ["bench-raw-log", "bench-raw-partner", "bench-raw-feed"]
    static var topics: [String] { [inputTopic] + outputTopics }

    /// Events/s from the first record read to the last commit.
    static func run(bootstrap: String, group: String, expected: Int, outputSizes: [Int], waves: Int, batch: Int) throws -> Double {
        var result = nazorg_raw_pipe_result()
        let status = withCStrings(outputTopics) { topics in
            outputSizes.map { Int32($0) }.withUnsafeBufferPointer { sizes in
                bootstrap.withCString { bootstrap in
                    group.withCString { group in
                        inputTopic.withCString { input in
                            var config = nazorg_raw_pipe_config(
                                bootstrap: bootstrap, group: group, input_topic: input, expected: expected,
                                outputs: Int32(outputTopics.count), output_topics: topics, output_sizes: sizes.baseAddress,
                                waves: Int32(waves), batch_size: Int32(batch), timeout_seconds: 600)
                            return nazorg_raw_pipe(&config, &result)
                        }
                    }
                }
            }
        }
        guard status == 0, result.seconds > 0 else {
            let message = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw RawLibrdkafka.Failure(description: "raw pipe failed: \(message)")
        }
        return Double(result.consumed) / result.seconds
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        // A non-empty array's buffer always has a base address.
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
