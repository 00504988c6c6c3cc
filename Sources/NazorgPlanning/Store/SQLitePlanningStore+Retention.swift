import Foundation
import GRDB
import NazorgContracts

extension SQLitePlanningStore {
    /// The tables that hold a case's rows, by their case column.
    static let caseTables = ["planning_notice", "planning_task", "planning_escalation", "planning_note", "planning_history",
                             "planning_timer"]

    /// Deletes every case closed before `closedBefore` with all its rows (notices, tasks,
    /// escalations, notes, history, timers), the disclosures seen about a person left with no
    /// case, and the ids of events handled before `processedBefore`, in one transaction per
    /// batch of cases. Returns how many cases and event ids went.
    @discardableResult
    public func purge(closedBefore: Date, processedBefore: Date, batch: Int = 200) async throws -> (cases: Int, events: Int) {
        var cases = 0
        while true {
            let removed = try await database.write { db -> Int in
                let expired = try Row.fetchAll(db, sql: """
                    SELECT case_id, subject_id FROM planning_case WHERE closed_at IS NOT NULL AND closed_at < ?
                    ORDER BY closed_at LIMIT ?
                    """, arguments: [ContractCoding.timestamp(closedBefore), batch])
                for row in expired {
                    let caseId: String = row["case_id"]
                    for table in Self.caseTables {
                        try db.execute(sql: "DELETE FROM \(table) WHERE case_id = ?", arguments: [caseId])
                    }
                    try db.execute(sql: "DELETE FROM planning_case WHERE case_id = ?", arguments: [caseId])
                    try db.execute(sql: """
                        DELETE FROM planning_disclosure WHERE subject_id = ?
                          AND NOT EXISTS (SELECT 1 FROM planning_case WHERE subject_id = ?)
                        """, arguments: [row["subject_id"] as String, row["subject_id"] as String])
                }
                return expired.count
            }
            cases += removed
            if removed < batch { break }
        }
        let events = try await database.write { db in
            try db.execute(sql: "DELETE FROM processed_event WHERE processed_at < ?",
                           arguments: [ContractCoding.timestamp(processedBefore)])
            return db.changesCount
        }
        return (cases, events)
    }
}
