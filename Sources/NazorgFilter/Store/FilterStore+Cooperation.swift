import Foundation
import GRDB
import NazorgContracts

/// The person's cooperation with aftercare, per case, as the coordinator last recorded it.
/// Like consent it is decided by arrival order: the case events of one person share a
/// partition, and the record received last wins, whatever time it names.
extension FilterStore {
    /// Records the person's cooperation in a case; a replay writes the same row again.
    public func setCooperation(subjectId: String, caseId: UUID, cooperation: CooperationRecorded.Cooperation,
                               eventId: String) async throws {
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO cooperation (subject_id, case_id, cooperation, event_id, changed_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(subject_id, case_id) DO UPDATE SET cooperation = excluded.cooperation,
                    event_id = excluded.event_id, changed_at = excluded.changed_at
                """, arguments: [subjectId, caseId.uuidString.lowercased(), cooperation.rawValue, eventId,
                                 ContractCoding.timestamp(Date())])
        }
    }

    /// Whether the person cooperates in the case: true unless the latest record says they
    /// decline aftercare or cannot be reached.
    public func cooperates(subjectId: String, caseId: UUID) async throws -> Bool {
        try await database.read { db in
            let recorded = try String.fetchOne(db, sql: "SELECT cooperation FROM cooperation WHERE subject_id = ? AND case_id = ?",
                                               arguments: [subjectId, caseId.uuidString.lowercased()])
            return recorded.map { $0 == CooperationRecorded.Cooperation.cooperating.rawValue } ?? true
        }
    }

    /// Every task of the person's case that waits, whatever its basisvoorwaarde, oldest first.
    public func parked(subjectId: String, caseId: UUID) async throws -> [ParkedTask] {
        let waiting = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM parked_task WHERE subject_id = ? ORDER BY parked_at",
                             arguments: [subjectId]).map { try Self.parkedTask($0) }
        }
        // The case is inside the payload; a person has few waiting tasks.
        return waiting.filter { $0.task.caseId == caseId }
    }
}
