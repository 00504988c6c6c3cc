import GRDB

/// Planning's schema, one migration per change; an existing database migrates on start.
enum PlanningMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE processed_event (event_id TEXT PRIMARY KEY, processed_at TEXT NOT NULL);
                CREATE TABLE planning_case (
                    case_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL UNIQUE, municipality TEXT NOT NULL,
                    prison_code TEXT NOT NULL, person_json BLOB NOT NULL, expected_release_date TEXT,
                    status TEXT NOT NULL, opened_at TEXT NOT NULL);
                CREATE TABLE planning_task (
                    task_id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES planning_case(case_id),
                    subject_id TEXT NOT NULL, domain TEXT NOT NULL, partner_id TEXT NOT NULL,
                    partner_role TEXT NOT NULL, status TEXT NOT NULL, deadline TEXT NOT NULL,
                    UNIQUE (case_id, domain));
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, event_type TEXT NOT NULL,
                    topic TEXT NOT NULL, record_key TEXT NOT NULL, subject TEXT, traceparent TEXT NOT NULL,
                    event_time TEXT NOT NULL, payload BLOB NOT NULL);
                """)
        }
        // A case per detention instead of per person (no UNIQUE subject_id; the newest,
        // by opened_seq, is current), several tasks per basisvoorwaarde (screening, then
        // delivery; a hand-over), task types, urgency and provenance, the notices of a case,
        // and the release. SQLite cannot drop a constraint, so both tables are rebuilt;
        // existing cases and tasks keep their ids and become open cases with delivery tasks.
        migrator.registerMigration("v2-detention-lifecycle") { db in
            try db.execute(sql: """
                CREATE TABLE planning_case_v2 (
                    case_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, opened_seq INTEGER NOT NULL,
                    municipality TEXT NOT NULL, prison_code TEXT NOT NULL, person_json BLOB NOT NULL,
                    expected_release_date TEXT, status TEXT NOT NULL, opened_at TEXT NOT NULL,
                    opening_notice_id TEXT, detention_start_date TEXT, needs_json BLOB,
                    release_json BLOB, release_date TEXT, release_coverage_json BLOB, closed_at TEXT, close_reason TEXT);
                INSERT INTO planning_case_v2 (case_id, subject_id, opened_seq, municipality, prison_code, person_json,
                                              expected_release_date, status, opened_at)
                    SELECT case_id, subject_id, rowid, municipality, prison_code, person_json, expected_release_date,
                           status, opened_at FROM planning_case;
                CREATE TABLE planning_task_v2 (
                    task_id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES planning_case(case_id),
                    subject_id TEXT NOT NULL, task_type TEXT NOT NULL, domain TEXT, partner_id TEXT NOT NULL,
                    partner_role TEXT NOT NULL, status TEXT NOT NULL, deadline TEXT NOT NULL, due_at TEXT,
                    urgent INTEGER NOT NULL, details_json BLOB, remark TEXT, source_notice_id TEXT,
                    assigned_at TEXT NOT NULL, planned_on TEXT NOT NULL, retracted INTEGER NOT NULL);
                INSERT INTO planning_task_v2 (task_id, case_id, subject_id, task_type, domain, partner_id, partner_role,
                                              status, deadline, urgent, assigned_at, planned_on, retracted)
                    SELECT t.task_id, t.case_id, t.subject_id, 'deliver', t.domain, t.partner_id, t.partner_role, t.status,
                           t.deadline, 0, c.opened_at, substr(c.opened_at, 1, 10), 0
                    FROM planning_task t JOIN planning_case c ON c.case_id = t.case_id;
                DROP TABLE planning_task;
                DROP TABLE planning_case;
                ALTER TABLE planning_case_v2 RENAME TO planning_case;
                ALTER TABLE planning_task_v2 RENAME TO planning_task;
                CREATE INDEX planning_case_by_subject ON planning_case (subject_id, opened_seq);
                CREATE INDEX planning_case_by_release ON planning_case (status, release_date);
                CREATE INDEX planning_task_by_case ON planning_task (case_id);
                CREATE TABLE planning_notice (
                    case_id TEXT NOT NULL REFERENCES planning_case(case_id), notice_id TEXT NOT NULL,
                    event_type TEXT NOT NULL, event_id TEXT NOT NULL, corrects_notice_id TEXT,
                    withdrawn INTEGER NOT NULL, received_at TEXT NOT NULL,
                    PRIMARY KEY (case_id, notice_id));
                """)
        }
        // Every case write numbers a new case with MAX(opened_seq) + 1: an index keeps that
        // from scanning the whole table on each input.
        migrator.registerMigration("v3-case-sequence-index") { db in
            try db.execute(sql: "CREATE INDEX planning_case_by_seq ON planning_case (opened_seq)")
        }
        // Regie: a task's measure, the task it was reassigned from, when its status last
        // changed and when it was rejected; a case's coordinator closure and the person's
        // cooperation. Existing tasks count from their assignment.
        migrator.registerMigration("v4-regie-columns") { db in
            try db.execute(sql: """
                ALTER TABLE planning_task ADD COLUMN measure TEXT;
                ALTER TABLE planning_task ADD COLUMN reassigned_from_task_id TEXT;
                ALTER TABLE planning_task ADD COLUMN status_changed_at TEXT;
                ALTER TABLE planning_task ADD COLUMN rejected_at TEXT;
                UPDATE planning_task SET status_changed_at = assigned_at;
                ALTER TABLE planning_case ADD COLUMN coordinator_close_reason TEXT;
                ALTER TABLE planning_case ADD COLUMN cooperation TEXT;
                """)
        }
        // The coordinator's desk: escalations as state (the raised payload kept whole),
        // coordinators' notes, the case history the timeline reads, and what the filter's
        // disclosure log says partners received. The history starts with what the existing
        // columns say happened and when.
        migrator.registerMigration("v5-coordinator-desk") { db in
            try db.execute(sql: """
                CREATE TABLE planning_escalation (
                    escalation_id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES planning_case(case_id),
                    reason TEXT NOT NULL, raised_at TEXT NOT NULL, status TEXT NOT NULL, acknowledged_by TEXT,
                    acknowledged_at TEXT, resolved_by TEXT, resolved_at TEXT, note TEXT, payload_json BLOB NOT NULL);
                CREATE INDEX planning_escalation_by_case ON planning_escalation (case_id);
                CREATE INDEX planning_escalation_by_status ON planning_escalation (status, raised_at);
                CREATE TABLE planning_note (
                    note_id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES planning_case(case_id), text TEXT NOT NULL,
                    author TEXT NOT NULL, noted_at TEXT NOT NULL);
                CREATE INDEX planning_note_by_case ON planning_note (case_id, noted_at);
                CREATE TABLE planning_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, entry_key TEXT NOT NULL UNIQUE,
                    case_id TEXT NOT NULL REFERENCES planning_case(case_id), happened_at TEXT NOT NULL, kind TEXT NOT NULL,
                    code TEXT NOT NULL, task_id TEXT, escalation_id TEXT, note_id TEXT, domain TEXT, partner_id TEXT, actor TEXT);
                CREATE INDEX planning_history_by_case ON planning_history (case_id, seq);
                CREATE TABLE planning_disclosure (
                    disclosure_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, receiver_id TEXT NOT NULL,
                    receiver_role TEXT NOT NULL, source_event_id TEXT NOT NULL, disclosed_event_type TEXT,
                    disclosed_at TEXT NOT NULL);
                CREATE INDEX planning_disclosure_by_subject ON planning_disclosure (subject_id, disclosed_at);
                INSERT INTO planning_history (entry_key, case_id, happened_at, kind, code)
                    SELECT 'v5-opened-' || case_id, case_id, opened_at, 'case-opened', 'opened' FROM planning_case;
                INSERT INTO planning_history (entry_key, case_id, happened_at, kind, code, task_id, domain, partner_id)
                    SELECT 'v5-assigned-' || task_id, case_id, assigned_at, 'task-assigned', task_type, task_id, domain, partner_id
                    FROM planning_task ORDER BY assigned_at, task_id;
                INSERT INTO planning_history (entry_key, case_id, happened_at, kind, code, task_id, domain, partner_id)
                    SELECT 'v5-status-' || task_id, case_id, status_changed_at, 'task-status', status, task_id, domain, partner_id
                    FROM planning_task WHERE status <> 'assigned' AND status_changed_at > assigned_at
                    ORDER BY status_changed_at, task_id;
                INSERT INTO planning_history (entry_key, case_id, happened_at, kind, code)
                    SELECT 'v5-closed-' || case_id, case_id, closed_at, 'case-closed', COALESCE(close_reason, 'other')
                    FROM planning_case WHERE closed_at IS NOT NULL;
                """)
        }
        // Durable timers: per open case, when its next timer that has not fired is due
        // (milliseconds since 1970), so the timer service finds due cases by an index instead
        // of loading every case. Empty after migrating: the timer service rebuilds it at start.
        migrator.registerMigration("v6-timers") { db in
            try db.execute(sql: """
                CREATE TABLE planning_timer (
                    case_id TEXT PRIMARY KEY REFERENCES planning_case(case_id), due_ms INTEGER NOT NULL);
                CREATE INDEX planning_timer_by_due ON planning_timer (due_ms);
                """)
        }
        return migrator
    }
}
