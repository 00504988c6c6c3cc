import Foundation
import GRDB
import NazorgContracts
import NazorgKafka
import NazorgPlanning
import NazorgRuntime
import NazorgTestSupport
import Testing

/// A database written by the planning of before the detention lifecycle: one case per
/// person, one task per basisvoorwaarde.
private func versionOneDatabase(at path: String, caseId: UUID) throws {
    let database = try DatabaseQueue(path: path)
    let person = try ContractJSONEncoder.encode(Fixtures.person)
    let caseText = caseId.uuidString.lowercased()
    try database.write { db in
        try db.execute(sql: """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations (identifier) VALUES ('v1');
            CREATE TABLE processed_event (event_id TEXT PRIMARY KEY, processed_at TEXT NOT NULL);
            CREATE TABLE planning_case (
                case_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL UNIQUE, municipality TEXT NOT NULL,
                prison_code TEXT NOT NULL, person_json BLOB NOT NULL, expected_release_date TEXT,
                status TEXT NOT NULL, opened_at TEXT NOT NULL);
            CREATE TABLE planning_task (
                task_id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES planning_case(case_id),
                subject_id TEXT NOT NULL, domain TEXT NOT NULL, partner_id TEXT NOT NULL,
                partner_role TEXT NOT NULL, status TEXT NOT NULL, deadline TEXT NOT NULL,
                UNIQUE (case_id, domain));
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, event_type TEXT NOT NULL,
                topic TEXT NOT NULL, record_key TEXT NOT NULL, subject TEXT, traceparent TEXT NOT NULL,
                event_time TEXT NOT NULL, payload BLOB NOT NULL);
            """)
        try db.execute(sql: "INSERT INTO processed_event VALUES ('evt-old-plan', '2027-01-05T09:00:00.000Z')")
        try db.execute(sql: """
            INSERT INTO planning_case VALUES (?, ?, 'GM0363', 'PI-TEST', ?, '2027-06-15', 'open', '2027-01-05T09:00:00.000Z')
            """, arguments: [caseText, Fixtures.subject, person])
        try db.execute(sql: """
            INSERT INTO planning_task VALUES ('task-old-housing', ?, ?, 'housing', 'woon-ams', 'housing-corporation', 'accepted', '2027-06-15');
            INSERT INTO planning_task VALUES ('task-old-id', ?, ?, 'id', 'id-ams', 'civil-affairs', 'assigned', '2027-06-01');
            """, arguments: [caseText, Fixtures.subject, caseText, Fixtures.subject])
        try db.execute(sql: """
            INSERT INTO outbox (event_id, event_type, topic, record_key, subject, traceparent, event_time, payload)
            VALUES ('old-event', 'CaseOpened', ?, ?, ?, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
                    '2027-01-05T09:00:00.000Z', x'7b7d')
            """, arguments: [Topics.planningCaseEvents, Fixtures.subject, Fixtures.subject])
    }
}

@Suite("Planning: schema migration")
struct PlanningMigrationTests {
    @Test func anOldDatabaseMigratesAndItsCaseFollowsTheLifecycle() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("planning-v1-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let caseId = UUID()
        try versionOneDatabase(at: path, caseId: caseId)

        let store = try SQLitePlanningStore(path: path)
        let record = try #require(try await store.caseRecord(subjectId: Fixtures.subject))
        #expect(record.caseId == caseId && record.isOpen && record.expectedReleaseDate == day("2027-06-15"))
        #expect(record.needs.isEmpty && record.release == nil)
        let tasks = try await store.tasks(caseId: caseId)
        #expect(tasks.map(\.taskId).sorted() == ["task-old-housing", "task-old-id"])
        #expect(tasks.allSatisfy { $0.taskType == .deliver && !$0.urgent && $0.plannedOn == day("2027-01-05") })
        #expect(try await store.pendingOutbox(limit: 10).map(\.eventId) == ["old-event"], "nothing decided is lost")
        #expect(try await store.apply(eventId: "evt-old-plan", subjectId: Fixtures.subject) { _ in PlanningChange() } == false,
                "what was applied stays applied")

        // The migrated case moves with its release date and closes at release like any other.
        let planner = Planner(directory: Fixtures.directory)
        let moved = PIDesk().dateChanged("m-change", from: "2027-06-15", to: "2027-06-01")
        try await store.apply(eventId: "evt-m-change", subjectId: Fixtures.subject) { state in
            try planner.decide(notice: moved, eventId: "evt-m-change", trace: .random(), now: at("2027-02-01T09:00:00Z"), state: state)
        }
        let after = try await store.tasks(caseId: caseId)
        #expect(after.first { $0.domain == .housing }?.deadline == day("2027-06-01"))
        #expect(after.first { $0.domain == .id }?.deadline == day("2027-05-04"))
        // A later detention of the same person is a second case: the old UNIQUE(subject_id) is gone.
        let again = PIDesk().started("m-again", start: "2028-01-02")
        try await store.apply(eventId: "evt-m-rel", subjectId: Fixtures.subject) { state in
            try planner.decide(notice: PIDesk().released("m-rel", "2027-06-01T09:00:00Z"), eventId: "evt-m-rel", trace: .random(),
                               now: at("2027-06-01T09:00:00Z"), state: state)
        }
        try await store.apply(eventId: "evt-m-again", subjectId: Fixtures.subject) { state in
            try planner.decide(notice: again, eventId: "evt-m-again", trace: .random(), now: at("2028-01-03T09:00:00Z"), state: state)
        }
        #expect(try await store.cases(subjectId: Fixtures.subject).map(\.status) == [.closed, .open])
    }

    @Test func anOldDatabaseHasNoTimersUntilTheFirstStartRebuildsThemFromState() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("planning-v1-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let caseId = UUID()
        try versionOneDatabase(at: path, caseId: caseId)
        let logger = quietLogger("planning.migration")
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: logger)
        let publisher = EventPublisher(producer: producer, source: PlanningService.source)
        let now = at("2027-01-10T09:00:00Z")
        func start() throws -> PlanningEngine {
            PlanningEngine(store: try SQLitePlanningStore(path: path), planner: Planner(directory: Fixtures.directory),
                           publisher: publisher, logger: logger, now: { now })
        }
        let first = try start()
        // Migrated, nothing has computed the case's timers yet: no timer can be found due.
        #expect(try await first.fireDueTimers() == 0)
        #expect(try await first.rebuildTimers() == 1)
        // The ID task (assigned, 2027-01-05 09:00) was not accepted within 72 hours.
        #expect(try await first.fireDueTimers() == 1)
        let second = try start()
        try await second.rebuildTimers()
        #expect(try await second.fireDueTimers() == 0, "fired once, across restarts")
        let store = try SQLitePlanningStore(path: path)
        let escalations = try await store.pendingOutbox(limit: 10).filter { $0.type == .escalationRaised }
            .map { try EscalationRaised.decodedJSON($0.payload) }
        #expect(escalations.map(\.reason) == [.notAccepted] && escalations.first?.taskId == "task-old-id")
        #expect(escalations.first?.wasDueAt == at("2027-01-08T09:00:00Z"))
        await producer.close()
    }
}
