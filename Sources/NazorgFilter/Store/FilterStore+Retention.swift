import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// A case of the person opened or closed, as the filter read it: what the retention of the
/// person's state counts from.
public struct CaseLife: Sendable, Hashable {
    public var subjectId: String
    public var caseId: UUID
    /// When it closed; nil for an opening.
    public var closedAt: Date?

    public init(subjectId: String, caseId: UUID, closedAt: Date?) {
        self.subjectId = subjectId
        self.caseId = caseId
        self.closedAt = closedAt
    }
}

extension FilterStore {
    /// Every table that holds a row about a person, by its subject column.
    static let subjectTables = ["consent", "cooperation", "parked_task", "held_update", "disclosure", "subject_scope",
                                "subject_case", "subject_seen"]

    static func record(_ lives: [CaseLife], seen subjects: Set<String>, at now: String, in db: Database) throws {
        let open = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO subject_case (subject_id, case_id, closed_at) VALUES (?, ?, NULL)
            """)
        let close = try db.cachedStatement(sql: """
            INSERT INTO subject_case (subject_id, case_id, closed_at) VALUES (?, ?, ?)
            ON CONFLICT(subject_id, case_id) DO UPDATE SET closed_at = excluded.closed_at
            """)
        for life in lives {
            let caseId = life.caseId.uuidString.lowercased()
            if let closedAt = life.closedAt {
                try close.execute(arguments: [life.subjectId, caseId, ContractCoding.timestamp(closedAt)])
            } else {
                try open.execute(arguments: [life.subjectId, caseId])
            }
        }
        let seen = try db.cachedStatement(sql: """
            INSERT INTO subject_seen (subject_id, seen_at) VALUES (?, ?)
            ON CONFLICT(subject_id) DO UPDATE SET seen_at = excluded.seen_at
            """)
        for subject in subjects.union(lives.map(\.subjectId)) { try seen.execute(arguments: [subject, now]) }
    }

    /// People whose state the retention period has run out for: no open case, no case closed
    /// at or after `cutoff`, and nothing heard of them (a notice, a case opened or closed)
    /// since `cutoff`. At most `limit`, oldest first.
    public func expiredSubjects(cutoff: Date, limit: Int = 500) async throws -> [String] {
        try await database.read { db in
            let time = ContractCoding.timestamp(cutoff)
            return try String.fetchAll(db, sql: """
                SELECT s.subject_id FROM subject_seen s
                WHERE s.seen_at < ?
                  AND NOT EXISTS (SELECT 1 FROM subject_case c WHERE c.subject_id = s.subject_id
                                  AND (c.closed_at IS NULL OR c.closed_at >= ?))
                ORDER BY s.seen_at LIMIT ?
                """, arguments: [time, time, limit])
        }
    }

    /// Deletes every row about the person in one transaction; returns how many went.
    @discardableResult
    public func erase(subjectId: String) async throws -> Int {
        let removed = try await database.write { db in try Self.erase(subjectId, in: db) }
        try ErasingDatabase.forgetOldPages(database)
        return removed
    }

    static func erase(_ subjectId: String, in db: Database) throws -> Int {
        var removed = 0
        for table in subjectTables {
            try db.execute(sql: "DELETE FROM \(table) WHERE subject_id = ?", arguments: [subjectId])
            removed += db.changesCount
        }
        return removed
    }

    /// Forgets which events were handled before `time` (their topics no longer hold them).
    @discardableResult
    public func purgeProcessed(before time: Date) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM processed_event WHERE processed_at < ?", arguments: [ContractCoding.timestamp(time)])
            return db.changesCount
        }
    }

    /// How many rows about the person each table holds (tests, and the operator's check after an erasure).
    public func rowCounts(subjectId: String) async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for table in Self.subjectTables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE subject_id = ?",
                                                 arguments: [subjectId]) ?? 0
            }
            return counts
        }
    }
}
