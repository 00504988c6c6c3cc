import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

extension SQLitePlanningStore: CoordinatorStore {
    public func caseStates(matching query: CaseQuery, scope: CoordinatorScope, today: CalendarDate,
                           paged: Bool) async throws -> [CaseState] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let municipalities = scope.municipalities {
            guard !municipalities.isEmpty else { return [] }
            conditions.append("c.municipality IN (\(Array(repeating: "?", count: municipalities.count).joined(separator: ", ")))")
            arguments += StatementArguments(municipalities.sorted())
        }
        if let municipality = query.municipality {
            conditions.append("c.municipality = ?")
            arguments += [municipality]
        }
        if let status = query.status {
            conditions.append("c.status = ?")
            arguments += [status.rawValue]
        }
        if let open = query.hasOpenEscalations {
            let exists = "EXISTS (SELECT 1 FROM planning_escalation e WHERE e.case_id = c.case_id AND e.status <> 'resolved')"
            conditions.append(open ? exists : "NOT " + exists)
        }
        if let days = query.releaseWithinDays {
            // A horizon past the calendar's end is no horizon.
            let horizon = (try? today.adding(days: days))?.description ?? "9999-12-31"
            conditions.append("c.release_date IS NULL AND c.expected_release_date IS NOT NULL AND c.expected_release_date <= ?")
            arguments += [horizon]
        }
        var sql = "SELECT c.* FROM planning_case c"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += """
             ORDER BY c.status = 'closed', COALESCE(c.release_date, c.expected_release_date) IS NULL,
                COALESCE(c.release_date, c.expected_release_date), c.opened_seq
            """
        if paged {
            sql += " LIMIT ? OFFSET ?"
            arguments += [max(0, query.limit), max(0, query.offset)]
        }
        return try await database.read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.caseState(db, row: $0) }
        }
    }

    public func caseState(caseId: UUID) async throws -> CaseState? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM planning_case WHERE case_id = ?", arguments: [caseId.uuidString.lowercased()])
                .map { try Self.caseState(db, row: $0) }
        }
    }

    public func caseId(ofEscalation escalationId: String) async throws -> UUID? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT case_id FROM planning_escalation WHERE escalation_id = ?",
                                arguments: [escalationId]).map(Self.uuid)
        }
    }

    public func caseId(ofTask taskId: String) async throws -> UUID? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT case_id FROM planning_task WHERE task_id = ?", arguments: [taskId]).map(Self.uuid)
        }
    }

    public func escalations(matching query: EscalationQuery, scope: CoordinatorScope) async throws -> [EscalationView] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let municipalities = scope.municipalities {
            guard !municipalities.isEmpty else { return [] }
            conditions.append("c.municipality IN (\(Array(repeating: "?", count: municipalities.count).joined(separator: ", ")))")
            arguments += StatementArguments(municipalities.sorted())
        }
        switch query.status {
        case .open?: conditions.append("e.status <> 'resolved'")
        case .acknowledged?: conditions.append("e.status = 'acknowledged'")
        case .resolved?: conditions.append("e.status = 'resolved'")
        case .all?, nil: break
        }
        if let municipality = query.municipality {
            conditions.append("c.municipality = ?")
            arguments += [municipality]
        }
        if let caseId = query.caseId {
            conditions.append("e.case_id = ?")
            arguments += [caseId.uuidString.lowercased()]
        }
        let ranks = EscalationRaised.Reason.allCases
        var sql = "SELECT e.*, c.person_json AS case_person FROM planning_escalation e JOIN planning_case c ON c.case_id = e.case_id"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY CASE e.reason " + String(repeating: "WHEN ? THEN ? ", count: ranks.count)
            + "ELSE 999 END, e.raised_at, e.escalation_id LIMIT ?"
        for reason in ranks { arguments += [reason.rawValue, EscalationView.urgencyRank(of: reason)] }
        arguments += [max(0, query.limit)]
        return try await database.read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                try Self.escalation(row).view(person: try Self.json(Person.self, row["case_person"]))
            }
        }
    }

    public func history(caseId: UUID) async throws -> [TimelineEntry] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM planning_history WHERE case_id = ? ORDER BY seq",
                             arguments: [caseId.uuidString.lowercased()]).map(Self.historyEntry)
        }
    }

    public func notes(caseId: UUID) async throws -> [CaseNote] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM planning_note WHERE case_id = ? ORDER BY noted_at, note_id",
                             arguments: [caseId.uuidString.lowercased()]).map(Self.note)
        }
    }

    public func disclosures(caseId: UUID) async throws -> [DisclosureRecord] {
        try await database.read { db in
            let key = caseId.uuidString.lowercased()
            guard let row = try Row.fetchOne(db, sql: "SELECT subject_id, opened_at, opened_seq FROM planning_case WHERE case_id = ?",
                                             arguments: [key]) else { return [] }
            let subjectId: String = row["subject_id"]
            let next = try String.fetchOne(db, sql: """
                SELECT opened_at FROM planning_case WHERE subject_id = ? AND opened_seq > ? ORDER BY opened_seq LIMIT 1
                """, arguments: [subjectId, row["opened_seq"] as Int64])
            return try Row.fetchAll(db, sql: """
                SELECT d.* FROM planning_disclosure d
                WHERE d.subject_id = ? AND (
                    EXISTS (SELECT 1 FROM planning_history h WHERE h.entry_key = d.source_event_id AND h.case_id = ?)
                    OR (NOT EXISTS (SELECT 1 FROM planning_history h WHERE h.entry_key = d.source_event_id)
                        AND d.disclosed_at >= ? AND (? IS NULL OR d.disclosed_at < ?)))
                ORDER BY d.disclosed_at, d.disclosure_id
                """, arguments: [subjectId, key, row["opened_at"] as String, next, next]).map(Self.disclosure)
        }
    }
}
