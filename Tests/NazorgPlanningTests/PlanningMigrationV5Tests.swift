import Foundation
import GRDB
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgPlanning

@Suite("Planning: schema migration to the coordinator desk")
struct PlanningMigrationV5Tests {
    /// A database as the planning of migration v4 left it: a case with a rejected housing
    /// task and an open ID task, and a closed earlier case, written by the v4 decisions'
    /// rows. It migrates, keeps everything, starts each timeline from the columns, and the
    /// desk works on it.
    @Test func aVersionFourDatabaseKeepsItsCasesAndGetsATimeline() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("planning-v4-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let planner = Planner(directory: DeskFixtures.directory)
        let pi = PIDesk()
        var changes: [PlanningChange] = []
        var state: CaseState?
        func step(_ decide: (CaseState?) throws -> PlanningChange) throws {
            let change = try decide(state)
            changes.append(change)
            guard let record = change.upsertCase else { throw RigError(message: "the decision wrote no case") }
            var tasks = state?.record.caseId == record.caseId ? state?.tasks ?? [] : []
            for task in change.upsertTasks {
                if let index = tasks.firstIndex(where: { $0.taskId == task.taskId }) { tasks[index] = task } else { tasks.append(task) }
            }
            state = CaseState(record: record, tasks: tasks, notices: (state?.notices ?? []) + change.upsertNotices)
        }
        try step { try planner.decide(notice: pi.plan("m-plan", expected: "2027-06-15", [need(.housing, .needed), need(.id, .needed)]),
                                      eventId: "evt-m-plan", trace: .random(), now: at("2027-01-05T09:00:00Z"), state: $0) }
        let housing = try #require(state?.tasks.first { $0.domain == .housing })
        let rejection = TaskStatusChanged(taskId: housing.taskId, partnerId: "woon-ams", domain: .housing, status: .rejected,
                                          reason: "Geen plek.", changedAt: at("2027-01-10T09:00:00Z"))
        try step { try planner.decide(status: rejection, eventId: "evt-m-reject", trace: .random(), now: at("2027-01-10T09:00:00Z"),
                                      state: $0) }
        let caseId = try #require(state?.record.caseId)

        let database = try DatabaseQueue(path: path)
        try PlanningMigrations.migrator.migrate(database, upTo: "v4-regie-columns")
        try await database.write { [changes] db in
            for change in changes {
                for record in change.upsertCases { try SQLitePlanningStore.save(record, db) }
                for task in change.upsertTasks { try SQLitePlanningStore.save(task, db) }
                for notice in change.upsertNotices { try SQLitePlanningStore.save(notice, db) }
            }
            try db.execute(sql: "INSERT INTO processed_event VALUES ('evt-m-plan', '2027-01-05T09:00:00.000Z')")
        }
        try database.close()

        let store = try SQLitePlanningStore(path: path)
        let tasks = try await store.tasks(caseId: caseId)
        #expect(tasks.count == 2 && tasks.first { $0.taskId == housing.taskId }?.rejectedAt == at("2027-01-10T09:00:00Z"))
        #expect(try await store.caseRecord(subjectId: Fixtures.subject)?.needs.count == 2)
        let history = try await store.history(caseId: caseId).map { "\($0.kind.rawValue):\($0.code)" }
        #expect(history == ["case-opened:opened", "task-assigned:deliver", "task-assigned:deliver", "task-status:rejected"])

        // The escalation the v4 planning published is gone with Kafka; new ones are recorded.
        let clock = TestClock(at("2027-01-11T09:00:00Z"))
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"),
                                         logger: quietLogger("planning.migration"))
        let publisher = EventPublisher(producer: producer, source: PlanningService.source)
        let engine = PlanningEngine(store: store, planner: planner, publisher: publisher, logger: quietLogger("planning.migration"),
                                    now: { [clock] in clock.now })
        let desk = PlanningCoordinatorDesk(store: store, engine: engine, directory: DeskFixtures.directory,
                                           now: { [clock] in clock.now }, publishesAfterCommands: false)
        let next = try await desk.reassign(taskId: housing.taskId, toPartnerId: "woon2-ams", reason: "Na de migratie.",
                                           actor: DeskFixtures.amsterdam, requestId: "m1")
        #expect(next.reassignedFromTaskId == housing.taskId && next.deadline == housing.deadline)
        let timeline = try await desk.timeline(caseId: caseId, actor: DeskFixtures.amsterdam)
        #expect(timeline.entries.first?.kind == .notice && timeline.entries.first?.code == "DetentionPlanShared")
        #expect(timeline.entries.suffix(3).map(\.kind) == [.taskWithdrawn, .taskAssigned, .note])
        #expect(timeline.notes.map(\.text) == ["Na de migratie."])
        await producer.close()
    }
}
