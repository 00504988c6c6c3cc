import Foundation
import GRDB
import NazorgContracts

/// The latest revision of a task a consent-based partner holds, kept while the person does
/// not cooperate: the update it would have become is sent when cooperation is recorded
/// again, so the partner does not keep stale deadlines and details.
public struct HeldUpdate: Sendable, Equatable {
    /// Which held revision a row is: a later one replaces it under the same task and partner,
    /// so a removal names the revision it meant and leaves a newer one alone.
    public struct Key: Sendable, Hashable {
        public var taskId: String
        public var partnerId: String
        public var sourceEventId: String
    }

    /// The TaskRevised event the update derives its ids from.
    public var sourceEventId: String
    public var revision: TaskRevised
    public var traceparent: String

    public var key: Key { Key(taskId: revision.taskId, partnerId: revision.partnerId, sourceEventId: sourceEventId) }
}

/// One held update per task and partner (table `held_update`). Holding and dropping happen
/// while staging, as for parked tasks, because a replay repeats them harmlessly; a held update
/// that was sent goes in the `finish` of its batch (``FilterStore/complete(processed:unparked:remembered:releasedHeld:)``),
/// so a crash before its records were written sends it again under the same ids.
extension FilterStore {
    /// Keeps `held`, replacing what was held for its task and partner.
    public func hold(_ held: HeldUpdate) async throws {
        let payload = try held.revision.encodedJSON()
        let revision = held.revision
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO held_update (task_id, partner_id, subject_id, case_id, source_event_id, payload, traceparent, held_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(task_id, partner_id) DO UPDATE SET subject_id = excluded.subject_id, case_id = excluded.case_id,
                    source_event_id = excluded.source_event_id, payload = excluded.payload,
                    traceparent = excluded.traceparent, held_at = excluded.held_at
                """, arguments: [revision.taskId, revision.partnerId, revision.subjectId,
                                 revision.caseId.uuidString.lowercased(), held.sourceEventId, payload, held.traceparent,
                                 ContractCoding.timestamp(Date())])
        }
    }

    /// The update held for this task and partner, if any.
    public func heldUpdate(taskId: String, partnerId: String) async throws -> HeldUpdate? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM held_update WHERE task_id = ? AND partner_id = ?",
                             arguments: [taskId, partnerId]).map { try Self.heldUpdate($0) }
        }
    }

    /// The updates held in the person's case, oldest first.
    public func heldUpdates(subjectId: String, caseId: UUID) async throws -> [HeldUpdate] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM held_update WHERE subject_id = ? AND case_id = ? ORDER BY held_at, task_id, partner_id
                """, arguments: [subjectId, caseId.uuidString.lowercased()]).map { try Self.heldUpdate($0) }
        }
    }

    /// Drops a held update for good (its task ended, or it was superseded or may no longer go).
    public func drop(held key: HeldUpdate.Key) async throws {
        try await database.write { db in try Self.remove(held: [key], in: db) }
    }

    public func heldCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM held_update") ?? 0 }
    }

    static func remove(held keys: [HeldUpdate.Key], in db: Database) throws {
        guard !keys.isEmpty else { return }
        let delete = try db.cachedStatement(sql: """
            DELETE FROM held_update WHERE task_id = ? AND partner_id = ? AND source_event_id = ?
            """)
        for key in keys { try delete.execute(arguments: [key.taskId, key.partnerId, key.sourceEventId]) }
    }

    private static func heldUpdate(_ row: Row) throws -> HeldUpdate {
        HeldUpdate(sourceEventId: row["source_event_id"], revision: try TaskRevised.decodedJSON(row["payload"]),
                   traceparent: row["traceparent"])
    }
}
