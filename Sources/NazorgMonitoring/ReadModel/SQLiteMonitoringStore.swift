import Foundation
import GRDB
import NazorgContracts

/// ``MonitoringStore`` in one SQLite file (GRDB).
///
/// Every observation is applied at most once (its id is stored in the same transaction as
/// its effect), and the result does not depend on arrival order: a case is open when it
/// was opened and not closed, whatever came first; a task's status is the one with the
/// latest `occurredAt` (ties go to the later stage: awaiting-consent < offered < accepted < rejected, undeliverable < completed); the
/// partner named by TaskAssigned wins over one named by a status; an escalation is resolved
/// once an update resolved it, whether the update came before or after it.
public final class SQLiteMonitoringStore: MonitoringStore {
    private let database: DatabaseQueue

    /// Opens (and migrates) the store at `path`; nil keeps it in memory, for tests.
    public init(path: String?) throws {
        database = try path.map { try DatabaseQueue(path: $0, configuration: Self.fileConfiguration) } ?? DatabaseQueue()
        try Self.migrator.migrate(database)
    }

    /// A file in WAL mode: a commit appends the pages it changed to the log, where the
    /// default rollback journal copies each page it touches and writes it again, with three
    /// syncs per transaction. GRDB sets `synchronous = NORMAL` with WAL, as for the planning
    /// and filter stores: a crash of the process loses nothing committed; a power cut can
    /// lose the last transactions while Kafka already has their offsets, which a rebuild of
    /// this read model repairs.
    ///
    /// The keys (observation, task and case UUIDs) land all over the indexes, so a batch of a
    /// thousand observations changes about as many pages. A checkpoint every 10,000 pages
    /// (about 40 MiB of log) instead of SQLite's 1,000 writes and syncs the file far less
    /// often than after every batch, and writes a page changed by several batches once:
    /// rebuilding from a million observations spent 49 s in transactions with 1,000 and 33 s
    /// with 10,000 (docs/BENCHMARKS.md). The page cache is 32 MiB instead of 2 MiB.
    private static var fileConfiguration: Configuration {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
        }
        return configuration
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-read-model") { db in
            try db.create(table: "observations") { t in
                t.primaryKey("observation_id", .text)
                t.column("source_event_type", .text).notNull()
                t.column("occurred_at", .double).notNull()
            }
            try db.create(table: "cases") { t in
                t.primaryKey("case_id", .text)
                t.column("opened", .boolean).notNull().defaults(to: false)
                t.column("closed", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "tasks") { t in
                t.primaryKey("task_id", .text)
                t.column("assigned", .boolean).notNull().defaults(to: false)
                t.column("assigned_partner_id", .text)
                t.column("status_partner_id", .text)
                t.column("domain", .text)
                t.column("status", .text)
                t.column("status_at", .double)
                t.column("status_rank", .integer)
            }
        }
        migrator.registerMigration("v2-escalation-reasons") { db in
            try db.create(table: "escalations") { t in
                t.primaryKey("observation_id", .text)
                t.column("reason", .text).notNull()
            }
        }
        // Escalations matched with what became of them: open until resolved.
        migrator.registerMigration("v3-escalation-status") { db in
            try db.alter(table: "escalations") { t in t.add(column: "escalation_id", .text) }
            try db.create(index: "escalations_by_id", on: "escalations", columns: ["escalation_id"])
            try db.create(table: "escalation_updates") { t in
                t.primaryKey("escalation_id", .text)
                t.column("resolved", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }

    @discardableResult
    public func apply(_ observation: FlowObserved) async throws -> Bool {
        try await apply([observation]) == 1
    }

    @discardableResult
    public func apply(_ observations: [FlowObserved]) async throws -> Int {
        guard !observations.isEmpty else { return 0 }
        return try await database.write { db in
            var applied = 0
            for observation in observations {
                // Cached statements: the statements are few and fixed, and preparing one
                // (parsing, GRDB's authorizer) cost more than running it.
                try db.cachedStatement(sql: Self.insertObservation).execute(arguments: [
                    observation.observationId, observation.sourceEventType.rawValue, observation.occurredAt.timeIntervalSince1970,
                ])
                guard db.changesCount > 0 else { continue }
                try Self.fold(observation, into: db)
                applied += 1
            }
            return applied
        }
    }

    private static func fold(_ o: FlowObserved, into db: Database) throws {
        switch o.sourceEventType {
        case .caseOpened, .caseClosed:
            guard let caseId = o.caseId?.uuidString.lowercased() else { return }
            try db.cachedStatement(sql: o.sourceEventType == .caseOpened ? openCase : closeCase).execute(arguments: [caseId])
        case .taskAssigned:
            guard let taskId = o.taskId else { return }
            try db.cachedStatement(sql: assignTask).execute(arguments: [taskId, o.partnerId, o.domain?.rawValue])
        case .taskStatusChanged:
            guard let taskId = o.taskId, let status = o.status else { return }
            try db.cachedStatement(sql: changeStatus).execute(arguments: [
                taskId, o.partnerId, o.domain?.rawValue, status.rawValue, o.occurredAt.timeIntervalSince1970, rank(status),
            ])
        case .escalationRaised:
            try db.cachedStatement(sql: insertEscalation).execute(arguments: [
                o.observationId, o.reason?.rawValue ?? MonitoringSummary.unknownReason, o.escalationId,
            ])
        case .escalationUpdated:
            // Acknowledged is still open; resolved stays resolved, whatever arrives after it.
            guard let escalationId = o.escalationId, o.escalationStatus == .resolved else { return }
            try db.cachedStatement(sql: resolveEscalation).execute(arguments: [escalationId])
        default:
            // Notices are counted from `observations`; other types carry
            // nothing the dashboard shows.
            return
        }
    }

    private static let insertObservation = """
        INSERT INTO observations (observation_id, source_event_type, occurred_at) VALUES (?, ?, ?)
        ON CONFLICT(observation_id) DO NOTHING
        """

    private static let openCase = "INSERT INTO cases (case_id, opened) VALUES (?, 1) ON CONFLICT(case_id) DO UPDATE SET opened = 1"
    private static let closeCase = "INSERT INTO cases (case_id, closed) VALUES (?, 1) ON CONFLICT(case_id) DO UPDATE SET closed = 1"

    private static let assignTask = """
        INSERT INTO tasks (task_id, assigned, assigned_partner_id, domain) VALUES (?, 1, ?, ?)
        ON CONFLICT(task_id) DO UPDATE SET
            assigned = 1,
            assigned_partner_id = COALESCE(excluded.assigned_partner_id, tasks.assigned_partner_id),
            domain = COALESCE(excluded.domain, tasks.domain)
        """

    private static let changeStatus = """
        INSERT INTO tasks (task_id, status_partner_id, domain, status, status_at, status_rank) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(task_id) DO UPDATE SET
            status_partner_id = COALESCE(tasks.status_partner_id, excluded.status_partner_id),
            domain = COALESCE(tasks.domain, excluded.domain),
            status = CASE WHEN \(newer) THEN excluded.status ELSE tasks.status END,
            status_rank = CASE WHEN \(newer) THEN excluded.status_rank ELSE tasks.status_rank END,
            status_at = CASE WHEN \(newer) THEN excluded.status_at ELSE tasks.status_at END
        """

    private static let insertEscalation = """
        INSERT INTO escalations (observation_id, reason, escalation_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
        """
    private static let resolveEscalation = """
        INSERT INTO escalation_updates (escalation_id, resolved) VALUES (?, 1)
        ON CONFLICT(escalation_id) DO UPDATE SET resolved = 1
        """

    /// True when the incoming status is later than the stored one (or there is none).
    private static let newer = """
        (tasks.status IS NULL OR excluded.status_at > tasks.status_at
         OR (excluded.status_at = tasks.status_at AND excluded.status_rank > tasks.status_rank))
        """

    private static func rank(_ status: TaskStatus) -> Int {
        switch status {
        case .awaitingConsent: return 0
        case .offered: return 1
        case .accepted: return 2
        case .rejected, .undeliverable: return 3
        case .completed: return 4
        }
    }

    public func summary() async throws -> MonitoringSummary {
        try await database.read { db in
            var summary = MonitoringSummary()
            for type in MonitoringSummary.noticeTypes { summary.noticesByType[type.rawValue] = 0 }
            for status in MonitoringSummary.taskStatuses { summary.tasksByStatus[status] = 0 }

            let byType = try Row.fetchAll(db, sql: "SELECT source_event_type, COUNT(*) AS n FROM observations GROUP BY source_event_type")
            for row in byType {
                let name: String = row["source_event_type"]
                let count: Int = row["n"]
                guard let type = EventType(rawValue: name) else { continue }
                if type.isIntakeNotice {
                    summary.noticesByType[name] = count
                    summary.notices += count
                } else if type == .escalationRaised {
                    summary.escalations += count
                }
            }

            for reason in MonitoringSummary.escalationReasons { summary.escalationsByReason[reason] = 0 }
            for row in try Row.fetchAll(db, sql: "SELECT reason, COUNT(*) AS n FROM escalations GROUP BY reason") {
                let reason: String = row["reason"]
                summary.escalationsByReason[reason, default: 0] += row["n"] as Int
            }

            // An escalation observed without its id cannot be matched with an update: it counts as open.
            summary.resolvedEscalations = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM escalations e JOIN escalation_updates u ON u.escalation_id = e.escalation_id
                WHERE u.resolved = 1
                """) ?? 0
            summary.openEscalations = summary.escalations - summary.resolvedEscalations

            summary.openCases = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE opened = 1 AND closed = 0") ?? 0

            let tasks = try Row.fetchAll(db, sql: """
                SELECT COALESCE(status, 'assigned') AS status, COALESCE(assigned_partner_id, status_partner_id) AS partner,
                       COUNT(*) AS n
                FROM tasks GROUP BY 1, 2
                """)
            for row in tasks {
                let status: String = row["status"]
                let partner: String? = row["partner"]
                let count: Int = row["n"]
                summary.tasksByStatus[status, default: 0] += count
                if let partner {
                    if summary.tasksByPartner[partner] == nil {
                        summary.tasksByPartner[partner] = Dictionary(uniqueKeysWithValues: MonitoringSummary.taskStatuses.map { ($0, 0) })
                    }
                    summary.tasksByPartner[partner]?[status, default: 0] += count
                }
            }
            return summary
        }
    }
}
