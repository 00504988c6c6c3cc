import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// Rows to records and back. A row planning cannot read is corruption, never a crash.
extension SQLitePlanningStore {
    static func caseRecord(_ row: Row) throws -> CaseRecord {
        guard let status = CaseRecord.Status(rawValue: row["status"]) else { throw corrupt("a planning_case row has an unknown status") }
        let closeReason: CaseClosed.Reason?
        if let text = row["close_reason"] as String? {
            guard let reason = CaseClosed.Reason(rawValue: text) else { throw corrupt("a planning_case row has an unknown close reason") }
            closeReason = reason
        } else {
            closeReason = nil
        }
        return CaseRecord(caseId: try uuid(row["case_id"]), subjectId: row["subject_id"],
                          municipality: row["municipality"], prisonCode: row["prison_code"],
                          person: try json(Person.self, row["person_json"]) ?? { throw corrupt("a planning_case row has no person") }(),
                          expectedReleaseDate: try date(row["expected_release_date"]), status: status,
                          openedAt: try timestamp(row["opened_at"]), openingNoticeId: row["opening_notice_id"],
                          detentionStartDate: try date(row["detention_start_date"]),
                          needs: try json([PlannedNeed].self, row["needs_json"]) ?? [],
                          release: try json(CaseRecord.Release.self, row["release_json"]),
                          releaseCoverage: try json([BasisvoorwaardeCoverage].self, row["release_coverage_json"]),
                          closedAt: try (row["closed_at"] as String?).map(timestamp), closeReason: closeReason,
                          coordinatorCloseReason: try code(CaseClosed.CoordinatorReason.self, row["coordinator_close_reason"]),
                          cooperation: try code(CooperationRecorded.Cooperation.self, row["cooperation"]))
    }

    static func fetchTasks(_ db: Database, caseId: UUID) throws -> [TaskRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM planning_task WHERE case_id = ? ORDER BY assigned_at, domain, task_id",
                         arguments: [caseId.uuidString.lowercased()]).map(task)
    }

    static func fetchNotices(_ db: Database, caseId: UUID) throws -> [NoticeRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM planning_notice WHERE case_id = ? ORDER BY received_at, notice_id",
                         arguments: [caseId.uuidString.lowercased()]).map { row in
            guard let type = EventType(rawValue: row["event_type"]) else { throw corrupt("a planning_notice row has an unknown type") }
            return NoticeRecord(noticeId: row["notice_id"], caseId: try uuid(row["case_id"]), type: type, eventId: row["event_id"],
                                correctsNoticeId: row["corrects_notice_id"], withdrawn: row["withdrawn"],
                                receivedAt: try timestamp(row["received_at"]))
        }
    }

    private static func task(_ row: Row) throws -> TaskRecord {
        guard let role = PartnerRole(rawValue: row["partner_role"]), let taskType = TaskType(rawValue: row["task_type"]),
              let deadline = CalendarDate(string: row["deadline"]), let plannedOn = CalendarDate(string: row["planned_on"]) else {
            throw corrupt("a planning_task row has an unknown type, role or date")
        }
        var domain: Domain?
        if let text = row["domain"] as String? {
            guard let known = Domain(rawValue: text) else { throw corrupt("a planning_task row has an unknown domain") }
            domain = known
        }
        return TaskRecord(taskId: row["task_id"], caseId: try uuid(row["case_id"]), subjectId: row["subject_id"],
                          taskType: taskType, domain: domain, partnerId: row["partner_id"], partnerRole: role,
                          status: row["status"], deadline: deadline, dueAt: try (row["due_at"] as String?).map(timestamp),
                          urgent: row["urgent"], details: try json(NeedDetails.self, row["details_json"]),
                          remark: row["remark"], sourceNoticeId: row["source_notice_id"],
                          assignedAt: try timestamp(row["assigned_at"]), plannedOn: plannedOn, retracted: row["retracted"],
                          measure: try code(AlternativeMeasure.self, row["measure"]),
                          reassignedFromTaskId: row["reassigned_from_task_id"],
                          statusChangedAt: try (row["status_changed_at"] as String?).map(timestamp),
                          rejectedAt: try (row["rejected_at"] as String?).map(timestamp))
    }

    static func save(_ record: CaseRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO planning_case (case_id, subject_id, opened_seq, municipality, prison_code, person_json,
                expected_release_date, status, opened_at, opening_notice_id, detention_start_date, needs_json,
                release_json, release_date, release_coverage_json, closed_at, close_reason, coordinator_close_reason,
                cooperation)
            VALUES (?, ?, (SELECT COALESCE(MAX(opened_seq), 0) + 1 FROM planning_case), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    ?, ?)
            ON CONFLICT(case_id) DO UPDATE SET municipality = excluded.municipality, prison_code = excluded.prison_code,
                person_json = excluded.person_json, expected_release_date = excluded.expected_release_date,
                status = excluded.status, detention_start_date = excluded.detention_start_date,
                needs_json = excluded.needs_json, release_json = excluded.release_json, release_date = excluded.release_date,
                release_coverage_json = excluded.release_coverage_json, closed_at = excluded.closed_at,
                close_reason = excluded.close_reason, coordinator_close_reason = excluded.coordinator_close_reason,
                cooperation = excluded.cooperation
            """, arguments: [record.caseId.uuidString.lowercased(), record.subjectId, record.municipality, record.prisonCode,
                             try ContractJSONEncoder.encode(record.person), record.expectedReleaseDate?.description,
                             record.status.rawValue, ContractCoding.timestamp(record.openedAt), record.openingNoticeId,
                             record.detentionStartDate?.description, try ContractJSONEncoder.encode(record.needs),
                             try record.release.map(ContractJSONEncoder.encode), record.release?.releaseDate.description,
                             try record.releaseCoverage.map(ContractJSONEncoder.encode),
                             record.closedAt.map(ContractCoding.timestamp), record.closeReason?.rawValue,
                             record.coordinatorCloseReason?.rawValue, record.cooperation?.rawValue])
    }

    static func save(_ task: TaskRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO planning_task (task_id, case_id, subject_id, task_type, domain, partner_id, partner_role, status,
                deadline, due_at, urgent, details_json, remark, source_notice_id, assigned_at, planned_on, retracted,
                measure, reassigned_from_task_id, status_changed_at, rejected_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(task_id) DO UPDATE SET status = excluded.status, deadline = excluded.deadline,
                due_at = excluded.due_at, urgent = excluded.urgent, details_json = excluded.details_json,
                remark = excluded.remark, partner_id = excluded.partner_id, partner_role = excluded.partner_role,
                retracted = excluded.retracted, status_changed_at = excluded.status_changed_at,
                rejected_at = excluded.rejected_at
            """, arguments: [task.taskId, task.caseId.uuidString.lowercased(), task.subjectId, task.taskType.rawValue,
                             task.domain?.rawValue, task.partnerId, task.partnerRole.rawValue, task.status,
                             task.deadline.description, task.dueAt.map(ContractCoding.timestamp), task.urgent,
                             try task.details.map(ContractJSONEncoder.encode), task.remark, task.sourceNoticeId,
                             ContractCoding.timestamp(task.assignedAt), task.plannedOn.description, task.retracted,
                             task.measure?.rawValue, task.reassignedFromTaskId,
                             ContractCoding.timestamp(task.statusChangedAt ?? task.assignedAt),
                             task.rejectedAt.map(ContractCoding.timestamp)])
    }

    static func save(_ notice: NoticeRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO planning_notice (case_id, notice_id, event_type, event_id, corrects_notice_id, withdrawn, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_id, notice_id) DO UPDATE SET withdrawn = excluded.withdrawn
            """, arguments: [notice.caseId.uuidString.lowercased(), notice.noticeId, notice.type.rawValue, notice.eventId,
                             notice.correctsNoticeId, notice.withdrawn, ContractCoding.timestamp(notice.receivedAt)])
    }

    // MARK: columns

    static func corrupt(_ message: String) -> DatabaseError {
        DatabaseError(resultCode: .SQLITE_CORRUPT, message: message)
    }

    static func uuid(_ text: String) throws -> UUID {
        guard let value = UUID(uuidString: text) else { throw corrupt("a planning row has an invalid case id") }
        return value
    }

    static func date(_ text: String?) throws -> CalendarDate? {
        guard let text else { return nil }
        guard let value = CalendarDate(string: text) else { throw corrupt("a planning row has an invalid date") }
        return value
    }

    static func timestamp(_ text: String) throws -> Date {
        guard let value = ContractCoding.parseTimestamp(text) else { throw corrupt("a planning row has an invalid timestamp") }
        return value
    }

    static func code<T: RawRepresentable>(_ type: T.Type, _ text: String?) throws -> T? where T.RawValue == String {
        guard let text else { return nil }
        guard let value = T(rawValue: text) else { throw corrupt("a planning row has an unknown code") }
        return value
    }

    static func json<T: Decodable>(_ type: T.Type, _ data: Data?) throws -> T? {
        guard let data else { return nil }
        do {
            return try ContractCoding.decoder().decode(type, from: data)
        } catch {
            throw corrupt("a planning row holds JSON planning cannot read")
        }
    }
}
