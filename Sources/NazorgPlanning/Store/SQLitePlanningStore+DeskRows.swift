import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// The coordinator desk's rows: escalations, notes, history, disclosures.
extension SQLitePlanningStore {
    /// Writes what a change holds for the desk. History, notes and disclosures are written
    /// once (their keys are deterministic); an escalation takes its latest state.
    static func saveDeskRows(_ change: PlanningChange, _ db: Database) throws {
        for escalation in change.upsertEscalations { try save(escalation, db) }
        for note in change.notes {
            try db.execute(sql: """
                INSERT OR IGNORE INTO planning_note (note_id, case_id, text, author, noted_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [note.noteId, note.caseId.uuidString.lowercased(), note.text, note.author,
                                 ContractCoding.timestamp(note.at)])
        }
        for line in change.history {
            let entry = line.entry
            try db.execute(sql: """
                INSERT OR IGNORE INTO planning_history (entry_key, case_id, happened_at, kind, code, task_id, escalation_id,
                    note_id, domain, partner_id, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [line.key, line.caseId.uuidString.lowercased(), ContractCoding.timestamp(entry.at),
                                 entry.kind.rawValue, entry.code, entry.taskId, entry.escalationId, entry.noteId,
                                 entry.domain?.rawValue, entry.partnerId, entry.by])
        }
        for disclosure in change.disclosures {
            try db.execute(sql: """
                INSERT OR IGNORE INTO planning_disclosure (disclosure_id, subject_id, receiver_id, receiver_role, source_event_id,
                    disclosed_event_type, disclosed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [disclosure.disclosureId, disclosure.subjectId, disclosure.receiverId,
                                 disclosure.receiverRole.rawValue, disclosure.sourceEventId,
                                 disclosure.disclosedEventType?.rawValue, ContractCoding.timestamp(disclosure.disclosedAt)])
        }
    }

    private static func save(_ record: EscalationRecord, _ db: Database) throws {
        let escalation = record.escalation
        try db.execute(sql: """
            INSERT INTO planning_escalation (escalation_id, case_id, reason, raised_at, status, acknowledged_by, acknowledged_at,
                resolved_by, resolved_at, note, payload_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(escalation_id) DO UPDATE SET status = excluded.status, acknowledged_by = excluded.acknowledged_by,
                acknowledged_at = excluded.acknowledged_at, resolved_by = excluded.resolved_by,
                resolved_at = excluded.resolved_at, note = excluded.note
            """, arguments: [escalation.escalationId, escalation.caseId.uuidString.lowercased(), escalation.reason.rawValue,
                             ContractCoding.timestamp(escalation.raisedAt), record.status.rawValue, record.acknowledgedBy,
                             record.acknowledgedAt.map(ContractCoding.timestamp), record.resolvedBy,
                             record.resolvedAt.map(ContractCoding.timestamp), record.note, try escalation.encodedJSON()])
    }

    static func fetchEscalations(_ db: Database, caseId: UUID) throws -> [EscalationRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM planning_escalation WHERE case_id = ? ORDER BY raised_at, escalation_id",
                         arguments: [caseId.uuidString.lowercased()]).map(escalation)
    }

    static func escalation(_ row: Row) throws -> EscalationRecord {
        guard let status = EscalationView.Status(rawValue: row["status"]) else {
            throw corrupt("a planning_escalation row has an unknown status")
        }
        guard let raised = try json(EscalationRaised.self, row["payload_json"]) else {
            throw corrupt("a planning_escalation row has no payload")
        }
        return EscalationRecord(escalation: raised, status: status, acknowledgedBy: row["acknowledged_by"],
                                acknowledgedAt: try (row["acknowledged_at"] as String?).map(timestamp),
                                resolvedBy: row["resolved_by"], resolvedAt: try (row["resolved_at"] as String?).map(timestamp),
                                note: row["note"])
    }

    static func historyEntry(_ row: Row) throws -> TimelineEntry {
        guard let kind = TimelineEntry.Kind(rawValue: row["kind"]) else { throw corrupt("a planning_history row has an unknown kind") }
        return TimelineEntry(at: try timestamp(row["happened_at"]), kind: kind, code: row["code"], taskId: row["task_id"],
                             escalationId: row["escalation_id"], noteId: row["note_id"],
                             domain: try code(Domain.self, row["domain"]), partnerId: row["partner_id"], by: row["actor"])
    }

    static func note(_ row: Row) throws -> CaseNote {
        CaseNote(noteId: row["note_id"], caseId: try uuid(row["case_id"]), text: row["text"], author: row["author"],
                 at: try timestamp(row["noted_at"]))
    }

    static func disclosure(_ row: Row) throws -> DisclosureRecord {
        guard let role = PartnerRole(rawValue: row["receiver_role"]) else {
            throw corrupt("a planning_disclosure row has an unknown role")
        }
        return DisclosureRecord(disclosureId: row["disclosure_id"], subjectId: row["subject_id"], receiverId: row["receiver_id"],
                                receiverRole: role, sourceEventId: row["source_event_id"],
                                disclosedEventType: try code(EventType.self, row["disclosed_event_type"]),
                                disclosedAt: try timestamp(row["disclosed_at"]))
    }
}
