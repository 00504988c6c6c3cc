import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgPlanning
import NazorgRuntime
import NazorgTestSupport
import Synchronization

/// A clock the test moves: months of process in milliseconds.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }
    func set(_ date: Date) { time.withLock { $0 = date } }
}

/// Planning on one SQLite file without Kafka: the engine prepares and stages events as
/// the consumer would, the closure timer runs through the engine, and what the relay would
/// publish is drained from the outbox. `restart()` puts a new store and engine on the same file.
final class PlanningRig {
    let path: String
    let clock: TestClock
    let planner: Planner
    private(set) var store: SQLitePlanningStore
    private(set) var engine: PlanningEngine
    private let producer: KafkaProducer
    private let publisher: EventPublisher
    private let logger = quietLogger("planning.rig")
    /// Every event drained from the outbox, in order.
    private(set) var published: [OutboxEvent] = []
    /// Every event delivered, in order, for redelivery after a restart.
    private(set) var delivered: [ReceivedEvent] = []
    /// The reasons events were refused for.
    private(set) var refusals: [String] = []

    init(clock: TestClock, planner: Planner = Planner(directory: Fixtures.directory)) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("planning-rig-\(UUID().uuidString).sqlite").path
        self.clock = clock
        self.planner = planner
        // Never connected: the rig never publishes, it only builds records and events.
        producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: logger)
        publisher = EventPublisher(producer: producer, source: PlanningService.source)
        store = try SQLitePlanningStore(path: path)
        engine = PlanningEngine(store: store, planner: planner, publisher: publisher, logger: logger, now: { [clock] in clock.now })
    }

    /// A new store and engine on the same file, as after a crash; the closure timer runs at
    /// start, and the timer service rebuilds its timers and fires what is due.
    func restart() async throws {
        store = try SQLitePlanningStore(path: path)
        engine = PlanningEngine(store: store, planner: planner, publisher: publisher, logger: logger, now: { [clock] in clock.now })
        try await engine.closeDueCases()
        try await engine.rebuildTimers()
        try await engine.fireDueTimers()
        try await drain()
    }

    func close() async {
        await producer.close()
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
    }

    /// Delivers a notice as intake publishes it: its event id derives from the notice id.
    func deliver(_ notice: IntakeNotice) async throws {
        let record = try publisher.record(notice.payload, topic: Topics.intakeNotices, key: notice.subjectId,
                                          id: "evt-\(notice.noticeId)", subject: notice.subjectId, trace: .random())
        try await deliver([try event(record, topic: Topics.intakeNotices)])
    }

    /// Delivers a status report about the current case's task that `matching` picks.
    @discardableResult
    func report(_ status: TaskStatus, reason: String? = nil,
                on matching: @escaping (TaskRecord) -> Bool) async throws -> TaskRecord {
        guard let current = try await store.caseRecord(subjectId: Fixtures.subject),
              let task = try await store.tasks(caseId: current.caseId).first(where: { $0.isOpen && matching($0) }) else {
            throw RigError(message: "no open task matches the report")
        }
        try await report(status, reason: reason, about: task)
        return task
    }

    /// Delivers a status report about `task`, open or not.
    func report(_ status: TaskStatus, reason: String? = nil, about task: TaskRecord) async throws {
        let report = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: status,
                                       reason: reason ?? (status == .rejected ? "Geen plek." : nil), changedAt: clock.now)
        let record = try publisher.taskStatusRecord(report, id: "status-\(task.taskId)-\(status.rawValue)", trace: .random())
        try await deliver([try event(record, topic: Topics.partnerStatus)])
    }

    /// Delivers an event another service published on `topic` (the disclosure log).
    func deliver<P: EventPayload & SubjectKeyed>(_ payload: P, topic: String, id: String) async throws {
        let record = try publisher.record(payload, topic: topic, key: payload.subjectId, id: id, subject: payload.subjectId,
                                          trace: .random())
        try await deliver([try event(record, topic: topic)])
    }

    /// Delivers events as one consumer batch: prepared in one transaction, then staged.
    func deliver(_ events: [ReceivedEvent], remember: Bool = true) async throws {
        try await engine.prepare(events)
        var records = StagedRecords()
        for event in events {
            do {
                try await engine.stage(event, into: &records)
            } catch let refusal as PoisonEvent {
                refusals.append(refusal.reason)
            }
        }
        if remember { delivered += events }
        try await drain()
    }

    /// The closure timer's and the timer service's run at the clock's time.
    func tick() async throws {
        try await engine.closeDueCases()
        try await engine.fireDueTimers()
        try await drain()
    }

    /// What the relay would publish now.
    func drain() async throws {
        let pending = try await store.pendingOutbox(limit: 10_000)
        published += pending
        try await store.removeFromOutbox(pending.map(\.eventId))
    }

    private func event(_ record: ProducerRecord, topic: String) throws -> ReceivedEvent {
        try ReceivedEvent(record: ConsumerRecord(topic: topic, partition: 0, offset: Int64(delivered.count), key: record.key,
                                                 value: record.value, headers: record.headers, timestampMilliseconds: nil))
    }

    // MARK: reading what happened

    func cases() async throws -> [CaseRecord] { try await store.cases(subjectId: Fixtures.subject) }

    func tasks(_ record: CaseRecord) async throws -> [TaskRecord] { try await store.tasks(caseId: record.caseId) }

    /// The published events of one type, decoded.
    func events<P: EventPayload>(_ type: P.Type) throws -> [P] {
        try published.filter { $0.type == P.eventType }.map { try P.decodedJSON($0.payload) }
    }

    /// Everything that defines the end state: every case with its tasks, and the ids of
    /// every event published.
    func snapshot() async throws -> Snapshot {
        var cases: [Snapshot.Case] = []
        for record in try await self.cases() {
            cases.append(Snapshot.Case(record: record, tasks: try await tasks(record), notices: try await store.notices(caseId: record.caseId)))
        }
        return Snapshot(cases: cases, eventIds: Set(published.map(\.eventId)), eventCount: published.count)
    }
}

struct Snapshot: Equatable {
    struct Case: Equatable {
        var record: CaseRecord
        var tasks: [TaskRecord]
        var notices: [NoticeRecord]
    }

    var cases: [Case]
    var eventIds: Set<String>
    /// Larger than the id set when an event was published twice.
    var eventCount: Int
}

struct RigError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
