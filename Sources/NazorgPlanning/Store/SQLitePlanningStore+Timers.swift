import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// Durable timers: one row per case with a timer that has not fired (`planning_timer`),
/// holding when the earliest is due. Decisions rewrite it with every change of the case; a
/// timer has fired once its id is a processed input.
extension SQLitePlanningStore {
    static func saveNextTimer(_ timers: CaseTimers, _ db: Database) throws {
        let caseKey = timers.caseId.uuidString.lowercased()
        var next: Date?
        for timer in timers.timers.sorted(by: { $0.dueAt < $1.dueAt }) {
            let fired = try Bool.fetchOne(db, sql: "SELECT 1 FROM processed_event WHERE event_id = ?", arguments: [timer.id]) == true
            if !fired {
                next = timer.dueAt
                break
            }
        }
        guard let next else {
            try db.execute(sql: "DELETE FROM planning_timer WHERE case_id = ?", arguments: [caseKey])
            return
        }
        try db.execute(sql: """
            INSERT INTO planning_timer (case_id, due_ms) VALUES (?, ?)
            ON CONFLICT(case_id) DO UPDATE SET due_ms = excluded.due_ms
            """, arguments: [caseKey, milliseconds(next)])
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    public func casesWithTimersDue(at moment: Date, limit: Int) async throws -> [UUID] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT case_id FROM planning_timer WHERE due_ms <= ? ORDER BY due_ms, case_id LIMIT ?",
                                arguments: [Self.milliseconds(moment), limit]).compactMap(UUID.init(uuidString:))
        }
    }

    @discardableResult
    public func refreshTimers(caseIds: [UUID]?, _ timers: @escaping @Sendable (CaseState) -> [DueTimer]) async throws -> Int {
        let ids: [String]
        if let caseIds {
            ids = caseIds.map { $0.uuidString.lowercased() }
        } else {
            ids = try await database.write { db in
                try db.execute(sql: """
                    DELETE FROM planning_timer WHERE case_id NOT IN (SELECT case_id FROM planning_case WHERE status = 'open')
                    """)
                return try String.fetchAll(db, sql: "SELECT case_id FROM planning_case WHERE status = 'open' ORDER BY opened_seq")
            }
        }
        var pending = 0
        // A few hundred cases per transaction, so inputs are not held up behind a long rebuild.
        for start in stride(from: 0, to: ids.count, by: 200) {
            let chunk = Array(ids[start..<min(start + 200, ids.count)])
            pending += try await database.write { db in
                var count = 0
                for id in chunk {
                    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM planning_case WHERE case_id = ?", arguments: [id]) else {
                        continue
                    }
                    let state = try Self.caseState(db, row: row)
                    try Self.saveNextTimer(CaseTimers(caseId: state.record.caseId, timers: timers(state)), db)
                    count += try Bool.fetchOne(db, sql: "SELECT 1 FROM planning_timer WHERE case_id = ?", arguments: [id]) == true ? 1 : 0
                }
                return count
            }
        }
        return pending
    }
}
