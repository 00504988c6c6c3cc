import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// ``PlanningStore`` in one SQLite file (WAL mode), through GRDB's serialized writer.
/// GRDB runs every database call on its own dispatch queue, off the cooperative pool.
public final class SQLitePlanningStore: PlanningStore {
    let database: DatabasePool

    public init(path: String) throws {
        database = try ErasingDatabase.pool(path: path)
        try PlanningMigrations.migrator.migrate(database)
    }

    public func apply(_ inputs: [PlanningInput]) async throws -> [PlanningOutcome] {
        guard !inputs.isEmpty else { return [] }
        return try await database.write { db in
            // Bookkeeping only (when an event was seen); decisions take their time from the input.
            let processedAt = ContractCoding.timestamp(Date())
            return try inputs.map { input in
                var outcome = PlanningOutcome.alreadyApplied
                // A savepoint per input: a refused input leaves nothing behind, the others stay.
                try db.inSavepoint {
                    do {
                        outcome = try Self.apply(input, processedAt: processedAt, db)
                    } catch let refusal as PoisonEvent {
                        outcome = .refused(refusal)
                        return .rollback
                    }
                    return .commit
                }
                return outcome
            }
        }
    }

    private static func apply(_ input: PlanningInput, processedAt: String, _ db: Database) throws -> PlanningOutcome {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM processed_event WHERE event_id = ?", arguments: [input.eventId]) == true {
            return .alreadyApplied
        }
        let subjectId: String
        let state: CaseState?
        switch input.owner {
        case .subject(let named):
            subjectId = named
            state = try Row.fetchOne(db, sql: "SELECT * FROM planning_case WHERE subject_id = ? ORDER BY opened_seq DESC LIMIT 1",
                                     arguments: [named]).map { try caseState(db, row: $0) }
        case .ownerOfTask(let taskId):
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.* FROM planning_task t JOIN planning_case c ON c.case_id = t.case_id WHERE t.task_id = ?
                """, arguments: [taskId]) else {
                throw PoisonEvent(reason: "unknown-task", detail: "planning never assigned a task with this id")
            }
            subjectId = row["subject_id"]
            state = try caseState(db, row: row)
        case .caseId(let caseId):
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM planning_case WHERE case_id = ?",
                                             arguments: [caseId.uuidString.lowercased()]) else {
                throw PoisonEvent(reason: "unknown-case", detail: "planning has no case with this id")
            }
            subjectId = row["subject_id"]
            state = try caseState(db, row: row)
        }
        let change = try input.decide(subjectId, state)
        for record in change.upsertCases { try save(record, db) }
        for task in change.upsertTasks { try save(task, db) }
        for notice in change.upsertNotices { try save(notice, db) }
        try saveDeskRows(change, db)
        for event in change.outbox {
            try db.execute(sql: """
                INSERT OR IGNORE INTO outbox (event_id, event_type, topic, record_key, subject, traceparent, event_time, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.eventId, event.type.rawValue, event.topic, event.key, event.subject,
                                 event.traceparent, ContractCoding.timestamp(event.time), event.payload])
        }
        try db.execute(sql: "INSERT INTO processed_event (event_id, processed_at) VALUES (?, ?)",
                       arguments: [input.eventId, processedAt])
        // After the input is recorded: a timer that fired now is not the next one.
        for timers in change.timers { try saveNextTimer(timers, db) }
        return change.ignoredBecause.map(PlanningOutcome.ignored) ?? .applied
    }

    static func caseState(_ db: Database, row: Row) throws -> CaseState {
        let record = try caseRecord(row)
        return CaseState(record: record, tasks: try fetchTasks(db, caseId: record.caseId),
                         notices: try fetchNotices(db, caseId: record.caseId),
                         escalations: try fetchEscalations(db, caseId: record.caseId))
    }

    public func caseRecord(subjectId: String) async throws -> CaseRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM planning_case WHERE subject_id = ? ORDER BY opened_seq DESC LIMIT 1",
                             arguments: [subjectId]).map(Self.caseRecord)
        }
    }

    public func cases(subjectId: String) async throws -> [CaseRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM planning_case WHERE subject_id = ? ORDER BY opened_seq",
                             arguments: [subjectId]).map(Self.caseRecord)
        }
    }

    public func tasks(caseId: UUID) async throws -> [TaskRecord] {
        try await database.read { db in try Self.fetchTasks(db, caseId: caseId) }
    }

    public func notices(caseId: UUID) async throws -> [NoticeRecord] {
        try await database.read { db in try Self.fetchNotices(db, caseId: caseId) }
    }

    public func openCasesReleased(onOrBefore day: CalendarDate) async throws -> [CaseRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM planning_case WHERE status = 'open' AND release_date IS NOT NULL AND release_date <= ?
                ORDER BY opened_seq
                """, arguments: [day.description]).map(Self.caseRecord)
        }
    }

    public func pendingOutbox(limit: Int) async throws -> [OutboxEvent] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY seq LIMIT ?", arguments: [limit]).map { row in
                OutboxEvent(eventId: row["event_id"], type: EventType(rawValue: row["event_type"]) ?? .caseOpened,
                            topic: row["topic"], key: row["record_key"], subject: row["subject"],
                            traceparent: row["traceparent"],
                            time: ContractCoding.parseTimestamp(row["event_time"]) ?? Date(), payload: row["payload"])
            }
        }
    }

    public func removeFromOutbox(_ eventIds: [String]) async throws {
        guard !eventIds.isEmpty else { return }
        try await database.write { db in
            for id in eventIds { try db.execute(sql: "DELETE FROM outbox WHERE event_id = ?", arguments: [id]) }
        }
    }
}
