import Foundation
import GRDB
import NazorgContracts

extension FilterStore {
    /// What was sent to `partnerId` about `taskId`, oldest first.
    public func disclosures(taskId: String, partnerId: String) async throws -> [DisclosureMemory] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM disclosure WHERE task_id = ? AND partner_id = ? ORDER BY disclosed_at, disclosure_id
                """, arguments: [taskId, partnerId]).map { try Self.memory($0) }
        }
    }

    /// What was sent to any partner about the case, oldest first.
    public func disclosures(caseId: UUID) async throws -> [DisclosureMemory] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM disclosure WHERE case_id = ? ORDER BY disclosed_at, disclosure_id",
                             arguments: [caseId.uuidString.lowercased()]).map { try Self.memory($0) }
        }
    }

    /// What was sent to any partner about the person for this basisvoorwaarde, oldest first.
    public func disclosures(subjectId: String, domain: Domain) async throws -> [DisclosureMemory] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM disclosure WHERE subject_id = ? AND domain = ? ORDER BY disclosed_at, disclosure_id
                """, arguments: [subjectId, domain.rawValue]).map { try Self.memory($0) }
        }
    }

    /// Everything sent to any partner about the person, oldest first: the subject access
    /// report's source.
    public func disclosures(subjectId: String) async throws -> [DisclosureMemory] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM disclosure WHERE subject_id = ? ORDER BY disclosed_at, disclosure_id",
                             arguments: [subjectId]).map { try Self.memory($0) }
        }
    }

    /// Stores messages (a repeat keeps the first); a retraction marks everything sent about
    /// its task to its partner retracted.
    static func remember(_ memories: [DisclosureMemory], in db: Database) throws {
        guard !memories.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO disclosure (disclosure_id, kind, task_id, partner_id, role, case_id, subject_id, source_event_id,
                                              source_event_type, disclosed_fields, disclosed_at, retracted, domain,
                                              legal_basis, processing_activity_id, purpose, policy_version,
                                              transformations)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let retract = try db.cachedStatement(sql: "UPDATE disclosure SET retracted = 1 WHERE task_id = ? AND partner_id = ?")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for m in memories {
            let fields = String(decoding: try encoder.encode(m.disclosedFields), as: UTF8.self)
            let transformations = m.transformations.isEmpty
                ? nil : String(decoding: try encoder.encode(m.transformations), as: UTF8.self)
            try insert.execute(arguments: [
                m.disclosureId, m.kind.rawValue, m.taskId, m.partnerId, m.role.rawValue, m.caseId.uuidString.lowercased(),
                m.subjectId, m.sourceEventId, m.sourceEventType.rawValue, fields, ContractCoding.timestamp(m.disclosedAt),
                m.retracted, m.domain?.rawValue, m.legalBasis?.rawValue, m.processingActivityId, m.purpose, m.policyVersion,
                transformations,
            ])
            if m.kind == .taskRetracted { try retract.execute(arguments: [m.taskId, m.partnerId]) }
        }
    }

    private static func memory(_ row: Row) throws -> DisclosureMemory {
        func value<T>(_ parsed: T?, _ column: String) throws -> T {
            guard let parsed else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a disclosure row has an unreadable \(column)")
            }
            return parsed
        }
        let fields: String = row["disclosed_fields"]
        let transformations = try (row["transformations"] as String?).map {
            try value(try? JSONDecoder().decode([String: DisclosureLogged.Transformation].self, from: Data($0.utf8)),
                      "transformation list")
        }
        return DisclosureMemory(
            disclosureId: row["disclosure_id"], kind: try value(EventType(rawValue: row["kind"]), "kind"),
            taskId: row["task_id"], partnerId: row["partner_id"],
            role: try value(PartnerRole(rawValue: row["role"]), "role"),
            caseId: try value(UUID(uuidString: row["case_id"]), "case id"), subjectId: row["subject_id"],
            domain: try (row["domain"] as String?).map { try value(Domain(rawValue: $0), "domain") },
            legalBasis: try (row["legal_basis"] as String?).map { try value(DisclosureLogged.LegalBasis(rawValue: $0), "legal basis") },
            sourceEventId: row["source_event_id"],
            sourceEventType: try value(EventType(rawValue: row["source_event_type"]), "source event type"),
            disclosedFields: try value(try? JSONDecoder().decode([String].self, from: Data(fields.utf8)), "field list"),
            disclosedAt: try value(ContractCoding.parseTimestamp(row["disclosed_at"]), "time"),
            retracted: row["retracted"], processingActivityId: row["processing_activity_id"], purpose: row["purpose"],
            policyVersion: row["policy_version"], transformations: transformations ?? [:])
    }
}
