import ArgumentParser
import Foundation
import GRDB
import Logging
import NazorgContracts
import NazorgKafka
import NazorgPlanning
import NazorgRuntime
import Synchronization

/// Planning's decisions and timers at the scale of a country's open cases, on its real
/// engine and SQLite store (Kafka left out: the consumer and relay are measured by `bench e2e`).
/// Each phase is checked, not only timed: every timer fires once, none again after a restart,
/// and every escalation a partner's late answer raised settles when the answer comes.
struct PlanningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planning",
        abstract: "Plans, timer rebuild, timer passes and settling on planning's store, with the store's own writes as baseline.")

    @Option(name: .long, help: "People with a D&R plan (one open case each).")
    var cases = 10_000

    @Option(name: .long, help: "Inputs per consumer batch (one transaction).")
    var batch = 200

    @Option(name: .long, help: "Partner directory (YAML); its partners must cover GM0599's basisvoorwaarden.")
    var partners = "deploy/partners.example.yaml"

    @Option(name: .long, help: "Municipality profiles (YAML).")
    var profiles = "deploy/profiles.example.yaml"

    @Option(name: .long, help: "Idle timer passes to average.")
    var idlePasses = 50

    func validate() throws {
        guard cases > 0, batch > 0, idlePasses > 0 else { throw ValidationError("cases, batch and idle passes must be positive") }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench")
        let directory = try PartnerDirectory(contentsOf: partners)
        let planner = Planner(directory: directory, profiles: try MunicipalityProfiles(contentsOf: profiles, directory: directory))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-bench-planning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("planning.sqlite").path
        // Never connected: planning's records are built here, never sent.
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: logger)
        let rig = try BenchPlanning(path: path, planner: planner, publisher: EventPublisher(producer: producer, source: PlanningService.source),
                                logger: logger)
        let start = BenchPlanning.start
        rig.clock.set(start)

        // 1. Plans: each becomes a case with its tasks, decided in consumer batches.
        progress("deciding \(grouped(cases)) plans in batches of \(batch)")
        let plans = (0..<cases).map { Self.plan(index: $0) }
        var assigned: [TaskAssigned] = []
        var written: [[OutboxEvent]] = []
        let decide = try await rig.timed {
            for chunk in plans.chunked(batch) {
                let out = try await rig.deliver(try chunk.map { try rig.event(notice: $0) })
                assigned += try out.filter { $0.type == .taskAssigned }.map { try TaskAssigned.decodedJSON($0.payload) }
                written.append(out)
            }
        }
        let outboxEvents = written.reduce(0) { $0 + $1.count }
        let floor = try await Self.storeFloor(written, inputsPerBatch: plans.chunked(batch).map(\.count),
                                              path: folder.appendingPathComponent("floor.sqlite").path)

        // 2. A timer pass with nothing due, as the service runs it every few seconds.
        let idle = try await rig.timed { for _ in 0..<idlePasses { _ = try await rig.engine.fireDueTimers() } }

        // 3. A restart: every open case's next timer rebuilt from its state, next to the same
        //    pass over the same rows with no timers computed (what reading and writing costs).
        let restarted = try rig.restarted()
        let emptyPass = try await rig.timed { _ = try await restarted.store.refreshTimers(caseIds: nil) { _ in [] } }
        var withTimers = 0
        let rebuild = try await rig.timed { withTimers = try await restarted.engine.rebuildTimers() }

        // 4. Every partner's response time passed: the not-accepted timers fire, each once.
        rig.clock.set(start.addingTimeInterval(BenchPlanning.responseWindow))
        var fired = 0
        let fire = try await rig.timed { fired = try await restarted.engine.fireDueTimers() }
        let raised = try await restarted.drain()
        let notAccepted = try raised.filter { $0.type == .escalationRaised }.map { try EscalationRaised.decodedJSON($0.payload) }
            .filter { $0.reason == .notAccepted }
        let again = try rig.restarted()
        _ = try await again.engine.rebuildTimers()
        let firedAgain = try await again.engine.fireDueTimers()

        // 5. The partners answer: each acceptance settles its not-accepted escalation.
        let late = Set(notAccepted.compactMap(\.taskId))
        let reports = assigned.filter { late.contains($0.taskId) }
        var settled = 0
        let settle = try await rig.timed {
            for (index, chunk) in reports.chunked(batch).enumerated() {
                let events = try chunk.map { task in
                    try again.event(status: TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain,
                                                              status: .accepted, changedAt: rig.clock.now),
                                    id: "bench-accepted-\(index)-\(task.taskId)")
                }
                settled += try await again.deliver(events).filter { $0.type == .escalationUpdated }
                    .map { try EscalationUpdated.decodedJSON($0.payload) }.filter { $0.status == .resolved }.count
            }
        }

        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        printFlushed("nazorg-hub bench planning: \(grouped(cases)) plans (4 basisvoorwaarden each, GM0599), batches of \(batch), "
                     + "profiles \(profiles)")
        summaryLine("decide", "\(grouped(Int(Double(cases) / decide))) plans/s (\(String(format: "%.1f", decide)) s); "
                    + "\(grouped(assigned.count)) tasks, \(grouped(outboxEvents)) events to the outbox")
        summaryLine("store floor", "\(grouped(Int(Double(cases) / floor))) plans/s: the same events and input marks written "
                    + "in the same transactions; planning/floor \(String(format: "%.2f", floor / decide))")
        summaryLine("idle pass", String(format: "%.2f ms per timer pass with nothing due (%d passes)", idle * 1000 / Double(idlePasses),
                                        idlePasses))
        summaryLine("rebuild", String(format: "%.2f s for %@ open cases (%@ with a timer); the same pass computing no timers %.2f s",
                                      rebuild, grouped(cases), grouped(withTimers), emptyPass))
        summaryLine("fire", "\(grouped(fired)) timers fired in \(String(format: "%.2f", fire)) s "
                    + "(\(grouped(Int(Double(fired) / fire))) /s), \(grouped(notAccepted.count)) not-accepted escalations")
        summaryLine("fired again", "\(firedAgain) after a restart at the same moment", target: "0", ok: firedAgain == 0)
        summaryLine("settle", "\(grouped(reports.count)) acceptances in \(String(format: "%.2f", settle)) s "
                    + "(\(grouped(Int(Double(reports.count) / settle))) /s), \(grouped(settled)) escalations resolved",
                    target: "\(grouped(notAccepted.count)) resolved", ok: settled == notAccepted.count)
        summaryLine("store", "\(grouped(size / 1_048_576)) MiB of SQLite (without its WAL)")
        await producer.close()
        if firedAgain != 0 || settled != notAccepted.count || fired == 0 {
            throw ExitCode(1)
        }
    }

    /// A D&R plan for a synthetic person in Rotterdam: four basisvoorwaarden needed, consent for each.
    static func plan(index: Int) -> IntakeNotice {
        let subject = String(format: "%032x", 0xbe7c_0000_0000 + index)
        let needs = [Domain.housing, .income, .debts, .care].map { Need(domain: $0, status: .needed, details: nil, remark: nil) }
        return .detentionPlanShared(DetentionPlanShared(
            noticeId: "bench-plan-\(index)", subjectId: subject, municipality: "GM0599", prisonCode: "PI-BENCH",
            person: Person(bsn: "999990019", givenName: "Bench", surname: "Testpersoon",
                           birthDate: CalendarDate(year: 1990, month: 1, day: 1)!),
            reportedAt: BenchPlanning.start, detentionType: .sentence,
            expectedReleaseDate: CalendarDate(year: 2027, month: 6, day: 15 - index % 14), needs: needs,
            consents: needs.map(\.domain), correctsNoticeId: nil))
    }

    /// Seconds to write what planning wrote, without deciding anything: the same outbox events
    /// (ids and bytes) and one processed mark per input, batch by batch, into a fresh SQLite
    /// file in WAL mode like planning's.
    static func storeFloor(_ batches: [[OutboxEvent]], inputsPerBatch: [Int], path: String) async throws -> Double {
        let database = try DatabasePool(path: path)
        try await database.write { db in
            try db.execute(sql: """
                CREATE TABLE outbox (event_id TEXT PRIMARY KEY, event_type TEXT NOT NULL, topic TEXT NOT NULL,
                    record_key TEXT NOT NULL, traceparent TEXT NOT NULL, payload BLOB NOT NULL);
                CREATE TABLE processed_event (event_id TEXT PRIMARY KEY, processed_at TEXT NOT NULL);
                """)
        }
        let clock = ContinuousClock()
        let began = clock.now
        var input = 0
        for (events, inputs) in zip(batches, inputsPerBatch) {
            let first = input
            input += inputs
            try await database.write { db in
                let mark = try db.cachedStatement(sql: "INSERT INTO processed_event (event_id, processed_at) VALUES (?, ?)")
                for index in first..<(first + inputs) { try mark.execute(arguments: ["floor-\(index)", "2027-01-04T09:00:00Z"]) }
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO outbox (event_id, event_type, topic, record_key, traceparent, payload) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for event in events {
                    try insert.execute(arguments: [event.eventId, event.type.rawValue, event.topic, event.key, event.traceparent,
                                                   event.payload])
                }
            }
        }
        return (clock.now - began).seconds
    }
}

/// Planning's engine on one SQLite file, fed as its consumer would feed it, its outbox
/// drained as the relay would drain it, on a clock the benchmark moves.
struct BenchPlanning: Sendable {
    /// Monday 4 January 2027, 09:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_799_053_200)
    /// Past every partner's response time in the example profiles (at most 120 hours), and
    /// before any deadline of a release in June.
    static let responseWindow: TimeInterval = 6 * 86_400

    final class Clock: Sendable {
        private let time = Mutex(Date())
        var now: Date { time.withLock { $0 } }
        func set(_ date: Date) { time.withLock { $0 = date } }
    }

    let path: String
    let planner: Planner
    let publisher: EventPublisher
    let logger: Logger
    let clock: Clock
    let store: SQLitePlanningStore
    let engine: PlanningEngine
    private let offsets = Offsets()

    final class Offsets: Sendable {
        private let last = Mutex<Int64>(0)
        func next() -> Int64 { last.withLock { $0 += 1; return $0 } }
    }

    init(path: String, planner: Planner, publisher: EventPublisher, logger: Logger, clock: Clock = Clock()) throws {
        self.path = path
        self.planner = planner
        self.publisher = publisher
        self.logger = logger
        self.clock = clock
        store = try SQLitePlanningStore(path: path)
        engine = PlanningEngine(store: store, planner: planner, publisher: publisher, logger: logger, now: { [clock] in clock.now })
    }

    /// A new store and engine on the same file, as after a crash.
    func restarted() throws -> BenchPlanning {
        try BenchPlanning(path: path, planner: planner, publisher: publisher, logger: logger, clock: clock)
    }

    func event(notice: IntakeNotice) throws -> ReceivedEvent {
        try received(try publisher.record(notice.payload, topic: Topics.intakeNotices, key: notice.subjectId,
                                          id: "evt-\(notice.noticeId)", subject: notice.subjectId, trace: .random()),
                     topic: Topics.intakeNotices)
    }

    func event(status: TaskStatusChanged, id: String) throws -> ReceivedEvent {
        try received(try publisher.taskStatusRecord(status, id: id, trace: .random()), topic: Topics.partnerStatus)
    }

    /// One consumer batch: applied in one transaction, each event staged; returns what it put in the outbox.
    func deliver(_ events: [ReceivedEvent]) async throws -> [OutboxEvent] {
        try await engine.prepare(events)
        var records = StagedRecords()
        for event in events { try await engine.stage(event, into: &records) }
        return try await drain()
    }

    /// Empties the outbox as the relay would once Kafka acknowledged it.
    func drain() async throws -> [OutboxEvent] {
        var all: [OutboxEvent] = []
        while true {
            let pending = try await store.pendingOutbox(limit: 10_000)
            guard !pending.isEmpty else { return all }
            all += pending
            try await store.removeFromOutbox(pending.map(\.eventId))
        }
    }

    func timed(_ work: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        let began = clock.now
        try await work()
        return (clock.now - began).seconds
    }

    private func received(_ record: ProducerRecord, topic: String) throws -> ReceivedEvent {
        let offset = offsets.next()
        return try ReceivedEvent(record: ConsumerRecord(topic: topic, partition: 0, offset: offset, key: record.key,
                                                        value: record.value, headers: record.headers, timestampMilliseconds: nil))
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
