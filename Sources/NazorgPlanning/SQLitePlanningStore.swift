import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// ``PlanningStore`` in one SQLite file (WAL mode), through GRDB's serialized writer.
/// GRDB runs every database call on its own dispatch queue, off the cooperative pool.
public final class SQLitePlanningStore: PlanningStore {
    private let database: DatabasePool

    public init(path: String) throws {
        database = try DatabasePool(path: path)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
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
        }
        return migrator
    }

    public func apply(_ inputs: [PlanningInput]) async throws -> [PlanningOutcome] {
        guard !inputs.isEmpty else { return [] }
        return try await database.write { db in
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
        switch input.owner {
        case .subject(let named):
            subjectId = named
        case .ownerOfTask(let taskId):
            guard let owner = try String.fetchOne(db, sql: "SELECT subject_id FROM planning_task WHERE task_id = ?",
                                                  arguments: [taskId]) else {
                throw PoisonEvent(reason: "unknown-task", detail: "planning never assigned a task with this id")
            }
            subjectId = owner
        }
        let existing = try fetchCase(db, subjectId: subjectId)
        let tasks = try existing.map { try fetchTasks(db, caseId: $0.caseId) } ?? []
        let change = try input.decide(subjectId, existing, tasks)
        if let record = change.upsertCase { try save(record, db) }
        for task in change.upsertTasks { try save(task, db) }
        for event in change.outbox {
            try db.execute(sql: """
                INSERT OR IGNORE INTO outbox (event_id, event_type, topic, record_key, subject, traceparent, event_time, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.eventId, event.type.rawValue, event.topic, event.key, event.subject,
                                 event.traceparent, ContractCoding.timestamp(event.time), event.payload])
        }
        try db.execute(sql: "INSERT INTO processed_event (event_id, processed_at) VALUES (?, ?)",
                       arguments: [input.eventId, processedAt])
        return .applied
    }

    public func caseRecord(subjectId: String) async throws -> CaseRecord? {
        try await database.read { db in try Self.fetchCase(db, subjectId: subjectId) }
    }

    public func tasks(caseId: UUID) async throws -> [TaskRecord] {
        try await database.read { db in try Self.fetchTasks(db, caseId: caseId) }
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

    // MARK: rows

    private static func fetchCase(_ db: Database, subjectId: String) throws -> CaseRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM planning_case WHERE subject_id = ?", arguments: [subjectId]) else {
            return nil
        }
        let personData: Data = row["person_json"]
        return CaseRecord(caseId: try uuid(row["case_id"]), subjectId: row["subject_id"],
                          municipality: row["municipality"], prisonCode: row["prison_code"],
                          person: try ContractCoding.decoder().decode(Person.self, from: personData),
                          expectedReleaseDate: (row["expected_release_date"] as String?).flatMap(CalendarDate.init(string:)),
                          status: row["status"], openedAt: ContractCoding.parseTimestamp(row["opened_at"]) ?? Date())
    }

    private static func fetchTasks(_ db: Database, caseId: UUID) throws -> [TaskRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM planning_task WHERE case_id = ? ORDER BY domain",
                         arguments: [caseId.uuidString.lowercased()]).map { try task($0) }
    }

    private static func task(_ row: Row) throws -> TaskRecord {
        guard let domain = Domain(rawValue: row["domain"]), let role = PartnerRole(rawValue: row["partner_role"]),
              let deadline = CalendarDate(string: row["deadline"]) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a planning_task row has an unknown domain, role or deadline")
        }
        return TaskRecord(taskId: row["task_id"], caseId: try uuid(row["case_id"]), subjectId: row["subject_id"],
                          domain: domain, partnerId: row["partner_id"], partnerRole: role,
                          status: row["status"], deadline: deadline)
    }

    private static func uuid(_ text: String) throws -> UUID {
        guard let value = UUID(uuidString: text) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a planning row has an invalid case id")
        }
        return value
    }

    private static func save(_ record: CaseRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO planning_case (case_id, subject_id, municipality, prison_code, person_json, expected_release_date, status, opened_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_id) DO UPDATE SET municipality = excluded.municipality, prison_code = excluded.prison_code,
                person_json = excluded.person_json, expected_release_date = excluded.expected_release_date, status = excluded.status
            """, arguments: [record.caseId.uuidString.lowercased(), record.subjectId, record.municipality, record.prisonCode,
                             try ContractJSONEncoder.encode(record.person), record.expectedReleaseDate?.description,
                             record.status, ContractCoding.timestamp(record.openedAt)])
    }

    private static func save(_ task: TaskRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO planning_task (task_id, case_id, subject_id, domain, partner_id, partner_role, status, deadline)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(task_id) DO UPDATE SET status = excluded.status, deadline = excluded.deadline,
                partner_id = excluded.partner_id, partner_role = excluded.partner_role
            """, arguments: [task.taskId, task.caseId.uuidString.lowercased(), task.subjectId, task.domain.rawValue,
                             task.partnerId, task.partnerRole.rawValue, task.status, task.deadline.description])
    }
}
