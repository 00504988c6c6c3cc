import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NazorgContracts
import NazorgFilter
import NazorgKafka
import NazorgRuntime
import NIOCore
import ServiceLifecycle
import Synchronization

/// How soon a withdrawal of consent takes effect: the real filter service (consumer,
/// engine, consent API over HTTP) on an embedded broker. Each person has a housing task
/// offered on consent; the bench posts the withdrawal and times from the 202 until an
/// independent consumer reads the task's TaskRetracted on the partner topic. The filter
/// flips the consent while staging that retraction, so from then on nothing more about the
/// person and basisvoorwaarde can be disclosed: the time is an upper bound on the window
/// in which a disclosure could still happen. Baseline in the same run: one produce→consume
/// hop on the same broker with the filter's consumer settings (the path has two).
struct ConsentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Time from a withdrawal's 202 to the last possible disclosure, against one raw Kafka hop.")

    @Option(name: .long, help: "People, each with a housing task offered on consent and then withdrawn.")
    var people = 200

    @Option(name: .long, help: "Withdrawals posted at once.")
    var concurrency = 1

    @Option(name: .long, help: "Directory of partner policies (YAML).")
    var policies = "Contracts/policies"

    static let target: Duration = .seconds(1)
    static let partner = "bench-woningcorporatie"
    static let prison = "PI-BENCH"

    func validate() throws {
        guard people > 0, people <= 100_000, concurrency > 0, concurrency <= 64 else {
            throw ValidationError("people must be 1 to 100000 and concurrency 1 to 64")
        }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench")
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in Topics.all + [Topics.partnerTasks(Self.partner), "bench.hop"] {
            try cluster.createTopic(topic, partitions: 6)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-bench-consent-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let subjects = try SubjectPseudonymizer(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let token = E2EHub.randomHex(bytes: 32)
        let callers = try ConsentCallers([.init(name: "bench-desk", sha256: CallerTokens.hash(token), role: .piDesk,
                                                scopes: [Self.prison])])
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let assembly = try FilterService.make(
            options: ServiceOptions(kafka: kafka, port: 0, dataDirectory: directory, groupPrefix: "bench"),
            policies: PolicyDirectory.read(policies),
            partnerIDs: PartnerPseudonymizer(secret: (0..<32).map { _ in UInt8.random(in: 0...255) }),
            consentAPI: ConsentAPISettings(callers: callers, pseudonymizer: subjects), logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: assembly.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger))
        let running = Task { try await group.run() }
        let port = try await assembly.endpoint.waitForPort()
        let client = HTTPClient.shared
        let watcher = try PartnerTopicWatcher(bootstrap: cluster.bootstrapServers, topic: Topics.partnerTasks(Self.partner),
                                              logger: logger)
        let watching = Task { try await watcher.run() }
        defer { watching.cancel() }

        progress("\(people) people: notices, tasks and consent")
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/bench")
        let bsns = (0..<people).map(Self.bsn)
        var setup: [ProducerRecord] = []
        for (i, bsn) in bsns.enumerated() {
            let subject = subjects.pseudonym(forBSN: bsn)
            let person = Person(bsn: bsn, givenName: "Fictief", surname: "Benchmarkpersoon",
                                birthDate: CalendarDate(year: 1990, month: 1, day: 1)!)
            let notice = DetentionStarted(noticeId: "bench-start-\(i)", subjectId: subject, municipality: "GM0599",
                                          prisonCode: Self.prison, person: person, reportedAt: Date(), detentionType: .sentence,
                                          detentionStartDate: CalendarDate(year: 2027, month: 1, day: 4)!)
            setup.append(try publisher.record(notice, topic: Topics.intakeNotices, key: subject, id: "bench-start-\(i)",
                                              subject: subject, trace: .random()))
        }
        try await publisher.publish(setup)
        // The filter learns whose statements the desk may record from the notices: the last
        // person's consent is refused (404) until the filter has read the notices.
        let ready = ContinuousClock.now + .seconds(60)
        while (try? await Self.post(bsns[people - 1], decision: "given", evidence: "bench-consent", client: client,
                                    port: port, token: token)) == nil {
            guard ContinuousClock.now < ready else {
                throw RawLibrdkafka.Failure(description: "the filter did not read the notices within 60 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await postAll(bsns, decision: "given", client: client, port: port, token: token, concurrency: 8)
        var tasks: [ProducerRecord] = []
        for (i, bsn) in bsns.enumerated() {
            let subject = subjects.pseudonym(forBSN: bsn)
            let task = TaskAssigned(
                taskId: Self.taskId(i), caseId: UUID(), subjectId: subject, municipality: "GM0599", prisonCode: Self.prison,
                person: Person(bsn: bsn, givenName: "Fictief", surname: "Benchmarkpersoon",
                               birthDate: CalendarDate(year: 1990, month: 1, day: 1)!),
                domain: .housing, partnerId: Self.partner, partnerRole: .housingCorporation,
                deadline: CalendarDate(year: 2027, month: 3, day: 15)!, expectedReleaseDate: CalendarDate(year: 2027, month: 3, day: 15)!,
                assignedAt: Date())
            tasks.append(try publisher.record(task, topic: Topics.planningCaseEvents, key: subject, id: "bench-assigned-\(i)",
                                              subject: subject, trace: .random()))
        }
        try await publisher.publish(tasks)
        try await watcher.waitFor(.taskOffered, count: people, timeout: .seconds(300))

        progress("withdrawals, \(concurrency) at a time")
        var latencies: [Duration] = []
        for start in stride(from: 0, to: people, by: concurrency) {
            latencies += try await withThrowingTaskGroup(of: Duration.self) { group in
                for i in start..<min(start + concurrency, people) {
                    let bsn = bsns[i]
                    group.addTask {
                        let answered = try await Self.post(bsn, decision: "withdrawn", evidence: "bench-withdrawal",
                                                           client: client, port: port, token: token)
                        let retracted = try await watcher.arrival(of: .taskRetracted, taskId: Self.taskId(i), timeout: .seconds(60))
                        return retracted - answered
                    }
                }
                var batch: [Duration] = []
                for try await latency in group { batch.append(latency) }
                return batch
            }
        }
        let hops = try await rawHops(cluster: cluster, producer: producer, count: min(people, 200), logger: logger)
        await producer.close()
        watching.cancel()
        await group.triggerGracefulShutdown()
        _ = await running.result
        report(latencies, hops: hops.sorted())
    }

    private func report(_ inOrder: [Duration], hops: [Duration]) {
        let latencies = inOrder.sorted()
        func at(_ values: [Duration], _ q: Double) -> Duration { values[min(values.count - 1, Int(Double(values.count) * q))] }
        func ms(_ d: Duration) -> String { String(format: "%.1f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        print("nazorg-hub bench consent: \(people) withdrawals, \(concurrency) at a time, 1 embedded broker, 6 partitions per topic")
        print("  202 → retraction read by an independent consumer: p50 \(ms(at(latencies, 0.5))), p95 \(ms(at(latencies, 0.95))), max \(ms(latencies.last ?? .zero))")
        print("  baseline, one produce→consume hop with the filter's consumer settings: p50 \(ms(at(hops, 0.5))), p95 \(ms(at(hops, 0.95))), max \(ms(hops.last ?? .zero))")
        let slowest = inOrder.enumerated().sorted { $0.element > $1.element }.prefix(3)
        print("  slowest: " + slowest.map { "#\($0.offset + 1) \(ms($0.element))" }.joined(separator: ", "))
        let worst = latencies.last ?? .zero
        print("  target: every withdrawal effective within \(ms(Self.target)): \(worst < Self.target ? "met" : "missed")")
    }

    /// One record at a time: produced, then read by a consumer with the product's defaults.
    private func rawHops(cluster: EmbeddedKafkaCluster, producer: KafkaProducer, count: Int, logger: Logger) async throws -> [Duration] {
        let consumer = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "bench-hop", topics: ["bench.hop"]), logger: logger)
        // Joined once a first record comes through.
        _ = try await producer.send(ProducerRecord(topic: "bench.hop", key: Array("warm".utf8), value: Array("w".utf8)))
        while try await consumer.poll(timeout: .seconds(1)).isEmpty {}
        var hops: [Duration] = []
        for i in 0..<count {
            let sent = ContinuousClock.now
            _ = try await producer.send(ProducerRecord(topic: "bench.hop", key: Array("k\(i)".utf8), value: Array("v\(i)".utf8)))
            while try await consumer.poll(timeout: .seconds(1)).isEmpty {}
            hops.append(ContinuousClock.now - sent)
        }
        await consumer.close()
        return hops
    }

    private func postAll(_ bsns: [String], decision: String, client: HTTPClient, port: Int, token: String,
                         concurrency: Int) async throws {
        for start in stride(from: 0, to: bsns.count, by: concurrency) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bsn in bsns[start..<min(start + concurrency, bsns.count)] {
                    group.addTask {
                        _ = try await Self.post(bsn, decision: decision, evidence: "bench-consent", client: client, port: port,
                                                token: token)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Posts one statement and returns when its 202 arrived.
    static func post(_ bsn: String, decision: String, evidence: String, client: HTTPClient, port: Int,
                     token: String) async throws -> ContinuousClock.Instant {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/consents")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(string: #"{"bsn":"\#(bsn)","decision":"\#(decision)","domains":["housing"],"evidenceRef":"\#(evidence)"}"#))
        let response = try await client.execute(request, timeout: .seconds(30))
        let answered = ContinuousClock.now
        _ = try await response.body.collect(upTo: 64 * 1024)
        guard response.status == .accepted else {
            throw RawLibrdkafka.Failure(description: "the consent API answered \(response.status.code) to a \(decision) statement")
        }
        return answered
    }

    static func taskId(_ i: Int) -> String { "bench-consent-task-\(i)" }

    /// A fictitious BSN of the 9999 test range that passes the elfproef.
    static func bsn(_ i: Int) -> String {
        var base = 99_990_000 + i * 10
        while true {
            let digits = String(base).map { Int(String($0))! }
            let sum = digits.enumerated().reduce(0) { $0 + $1.element * (9 - $1.offset) }
            for check in 0...9 where (sum - check) % 11 == 0 { return "\(base)\(check)" }
            base += 1
        }
    }
}

/// Reads a partner topic from the start and notes when each task's messages arrived.
final class PartnerTopicWatcher: Sendable {
    private let consumer: KafkaConsumer
    private let seen = Mutex<[String: ContinuousClock.Instant]>([:])
    private let counts = Mutex<[EventType: Int]>([:])

    init(bootstrap: String, topic: String, logger: Logger) throws {
        consumer = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: bootstrap, properties: ["fetch.wait.max.ms": "10"]),
                                     options: ConsumerOptions(groupID: "bench-watcher-\(UUID().uuidString)", topics: [topic]),
                                     logger: logger)
    }

    func run() async throws {
        while !Task.isCancelled {
            let records = try await consumer.poll(timeout: .milliseconds(100))
            let now = ContinuousClock.now
            for record in records {
                guard let type = record.headers.text(CloudEventHeader.type).flatMap(EventType.init(ceType:)),
                      let object = (try? JSONSerialization.jsonObject(with: Data(record.value))) as? [String: Any],
                      let taskId = object["taskId"] as? String else { continue }
                seen.withLock { $0["\(type.rawValue) \(taskId)"] = $0["\(type.rawValue) \(taskId)"] ?? now }
                counts.withLock { $0[type, default: 0] += 1 }
            }
        }
        await consumer.close()
    }

    func waitFor(_ type: EventType, count: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while counts.withLock({ $0[type, default: 0] }) < count {
            guard ContinuousClock.now < deadline else {
                throw RawLibrdkafka.Failure(description: "only \(counts.withLock { $0[type, default: 0] }) of \(count) \(type.rawValue) arrived")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func arrival(of type: EventType, taskId: String, timeout: Duration) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let at = seen.withLock({ $0["\(type.rawValue) \(taskId)"] }) { return at }
            guard ContinuousClock.now < deadline else {
                throw RawLibrdkafka.Failure(description: "no \(type.rawValue) for \(taskId) within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
