import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

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

extension SQLitePlanningStore {
    /// Deletes everything planning holds about a person (art. 17 AVG): every case, open or
    /// closed, with all its rows, the disclosures seen about them, and what waits in the
    /// outbox about them (it would be sealed under a new key and outlive the erasure).
    /// Returns how many cases went; erasing again removes nothing and is harmless.
    @discardableResult
    public func erase(subjectId: String) async throws -> Int {
        let removed = try await database.write { db -> Int in
            let cases = try String.fetchAll(db, sql: "SELECT case_id FROM planning_case WHERE subject_id = ?",
                                            arguments: [subjectId])
            for caseId in cases {
                for table in Self.caseTables {
                    try db.execute(sql: "DELETE FROM \(table) WHERE case_id = ?", arguments: [caseId])
                }
            }
            try db.execute(sql: "DELETE FROM planning_case WHERE subject_id = ?", arguments: [subjectId])
            try db.execute(sql: "DELETE FROM planning_disclosure WHERE subject_id = ?", arguments: [subjectId])
            try db.execute(sql: "DELETE FROM outbox WHERE subject = ? OR record_key = ?", arguments: [subjectId, subjectId])
            return cases.count
        }
        try ErasingDatabase.forgetOldPages(database)
        return removed
    }

    /// How many rows about the person planning holds, per table (tests, and the operator's check after an erasure).
    public func rowCounts(subjectId: String) async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            let cases = "SELECT case_id FROM planning_case WHERE subject_id = ?"
            for table in Self.caseTables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE case_id IN (\(cases))",
                                                 arguments: [subjectId]) ?? 0
            }
            counts["planning_case"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM planning_case WHERE subject_id = ?",
                                                       arguments: [subjectId]) ?? 0
            counts["planning_disclosure"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM planning_disclosure WHERE subject_id = ?",
                                                             arguments: [subjectId]) ?? 0
            counts["outbox"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE subject = ? OR record_key = ?",
                                                arguments: [subjectId, subjectId]) ?? 0
            return counts
        }
    }
}
