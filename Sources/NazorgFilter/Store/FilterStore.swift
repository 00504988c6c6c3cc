import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// A task that waits in the filter for the person's consent.
public struct ParkedTask: Sendable, Equatable {
    public var sourceEventId: String
    public var task: TaskAssigned
    public var traceparent: String
}

/// The filter's durable state: consent per person and basisvoorwaarde, the person's
/// cooperation per case (``FilterStore+Cooperation.swift``), tasks waiting for consent,
/// updates held while the person does not cooperate (``HeldUpdate``), what was sent to which
/// partner about which task (``DisclosureMemory``), and which inputs are fully handled. SQLite through GRDB (off the cooperative pool).
public final class FilterStore: Sendable {
    let database: DatabasePool

    public init(path: String) throws {
        database = try ErasingDatabase.pool(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE processed_event (event_id TEXT PRIMARY KEY, processed_at TEXT NOT NULL);
                CREATE TABLE consent (
                    subject_id TEXT NOT NULL, domain TEXT NOT NULL, given INTEGER NOT NULL, consent_id TEXT NOT NULL,
                    changed_at TEXT NOT NULL, PRIMARY KEY (subject_id, domain));
                CREATE TABLE parked_task (
                    source_event_id TEXT PRIMARY KEY, subject_id TEXT NOT NULL, domain TEXT NOT NULL,
                    payload BLOB NOT NULL, traceparent TEXT NOT NULL, parked_at TEXT NOT NULL);
                CREATE INDEX parked_task_subject ON parked_task (subject_id, domain);
                """)
        }
        // A parked task is reported to planning only once it has waited past a grace period.
        migrator.registerMigration("v2-parked-reported") { db in
            try db.execute(sql: "ALTER TABLE parked_task ADD COLUMN reported_at TEXT")
            try db.execute(sql: "ALTER TABLE parked_task ADD COLUMN released_at TEXT")
        }
        // What each partner received about each task; parked tasks findable by task, so a
        // revision or a withdrawal reaches a task that still waits for consent.
        migrator.registerMigration("v3-disclosure-memory") { db in
            try db.execute(sql: """
                CREATE TABLE disclosure (
                    disclosure_id TEXT PRIMARY KEY, kind TEXT NOT NULL, task_id TEXT NOT NULL, partner_id TEXT NOT NULL,
                    role TEXT NOT NULL, case_id TEXT NOT NULL, subject_id TEXT NOT NULL, source_event_id TEXT NOT NULL,
                    source_event_type TEXT NOT NULL, disclosed_fields TEXT NOT NULL, disclosed_at TEXT NOT NULL,
                    retracted INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX disclosure_by_task ON disclosure (task_id, partner_id);
                CREATE INDEX disclosure_by_case ON disclosure (case_id);
                ALTER TABLE parked_task ADD COLUMN task_id TEXT;
                ALTER TABLE parked_task ADD COLUMN partner_id TEXT;
                """)
            for row in try Row.fetchAll(db, sql: "SELECT source_event_id, payload FROM parked_task") {
                let task = try TaskAssigned.decodedJSON(row["payload"])
                try db.execute(sql: "UPDATE parked_task SET task_id = ?, partner_id = ? WHERE source_event_id = ?",
                               arguments: [task.taskId, task.partnerId, row["source_event_id"] as String])
            }
            try db.execute(sql: "CREATE INDEX parked_task_by_task ON parked_task (task_id, partner_id)")
        }
        // The person's cooperation as the coordinator last recorded it, per case: while it is
        // declines-aftercare or unreachable, consent-based partners receive nothing new.
        migrator.registerMigration("v4-cooperation") { db in
            try db.execute(sql: """
                CREATE TABLE cooperation (
                    subject_id TEXT NOT NULL, case_id TEXT NOT NULL, cooperation TEXT NOT NULL, event_id TEXT NOT NULL,
                    changed_at TEXT NOT NULL, PRIMARY KEY (subject_id, case_id));
                """)
        }
        // While the person does not cooperate, the latest revision per task and partner that a
        // consent-based partner would have heard of, sent when cooperation is recorded again.
        migrator.registerMigration("v5-held-update") { db in
            try db.execute(sql: """
                CREATE TABLE held_update (
                    task_id TEXT NOT NULL, partner_id TEXT NOT NULL, subject_id TEXT NOT NULL, case_id TEXT NOT NULL,
                    source_event_id TEXT NOT NULL, payload BLOB NOT NULL, traceparent TEXT NOT NULL, held_at TEXT NOT NULL,
                    PRIMARY KEY (task_id, partner_id));
                CREATE INDEX held_update_by_case ON held_update (subject_id, case_id);
                """)
        }
        // Each message's basisvoorwaarde and legal basis, so that a withdrawal of consent finds
        // every task a partner received about the person on that consent. Rows from before
        // have neither (no release kept any).
        migrator.registerMigration("v6-disclosure-basis") { db in
            try db.execute(sql: """
                ALTER TABLE disclosure ADD COLUMN domain TEXT;
                ALTER TABLE disclosure ADD COLUMN legal_basis TEXT;
                CREATE INDEX disclosure_by_subject ON disclosure (subject_id, domain);
                """)
        }
        // Whose statements a consent API caller may record: every prison and municipality the
        // person's notices named.
        migrator.registerMigration("v7-subject-scope") { db in
            try db.execute(sql: """
                CREATE TABLE subject_scope (subject_id TEXT NOT NULL, scope TEXT NOT NULL,
                                            PRIMARY KEY (subject_id, scope)) WITHOUT ROWID;
                """)
        }
        // What a person's subject access report (art. 15 AVG) names per message: the
        // processing activity and purpose it served, the policy version it was decided under
        // and how fields were changed on the way. Rows from before have none of these.
        migrator.registerMigration("v8-disclosure-purpose") { db in
            try db.execute(sql: """
                ALTER TABLE disclosure ADD COLUMN processing_activity_id TEXT;
                ALTER TABLE disclosure ADD COLUMN purpose TEXT;
                ALTER TABLE disclosure ADD COLUMN policy_version TEXT;
                ALTER TABLE disclosure ADD COLUMN transformations TEXT;
                CREATE INDEX disclosure_by_subject_time ON disclosure (subject_id, disclosed_at);
                """)
        }
        // What the retention of a person's state counts from: their cases, opened and closed,
        // and when the filter last heard of them. Rows from before have neither, so a person
        // known only from before is never purged (an operator erases them).
        migrator.registerMigration("v9-retention") { db in
            try db.execute(sql: """
                CREATE TABLE subject_case (subject_id TEXT NOT NULL, case_id TEXT NOT NULL, closed_at TEXT,
                                           PRIMARY KEY (subject_id, case_id)) WITHOUT ROWID;
                CREATE TABLE subject_seen (subject_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX subject_seen_by_time ON subject_seen (seen_at);
                CREATE INDEX processed_event_by_time ON processed_event (processed_at);
                CREATE INDEX consent_by_subject ON consent (subject_id);
                CREATE INDEX cooperation_by_subject ON cooperation (subject_id);
                CREATE INDEX parked_task_by_subject ON parked_task (subject_id);
                """)
        }
        try migrator.migrate(database)
    }

    /// The store a running (or stopped) filter keeps at `path`; an error, rather than a new
    /// empty store, when there is none.
    public static func openExisting(path: String) throws -> FilterStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError("there is no filter store at \(path); give the filter's --data-dir")
        }
        return try FilterStore(path: path)
    }

    /// Reads, in one transaction, which of `eventIds` were handled and every consent and
    /// withheld cooperation of `subjects`.
    func snapshot(eventIds: [String], subjects: [String]) async throws -> BatchSnapshot.Contents {
        try await database.read { db in
            var contents = BatchSnapshot.Contents(askedEvents: Set(eventIds), askedSubjects: Set(subjects))
            for chunk in Array(contents.askedEvents).chunked(500) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let found = try String.fetchAll(db, sql: "SELECT event_id FROM processed_event WHERE event_id IN (\(marks))",
                                                arguments: StatementArguments(chunk))
                contents.processedEvents.formUnion(found)
            }
            for chunk in Array(contents.askedSubjects).chunked(500) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT subject_id, domain, consent_id FROM consent WHERE given = 1 AND subject_id IN (\(marks))
                    """, arguments: StatementArguments(chunk))
                for row in rows {
                    guard let domain = Domain(rawValue: row["domain"]) else { continue }
                    contents.consents[row["subject_id"], default: [:]][domain] = row["consent_id"]
                }
                let withheld = try Row.fetchAll(db, sql: """
                    SELECT subject_id, case_id FROM cooperation WHERE cooperation != ? AND subject_id IN (\(marks))
                    """, arguments: StatementArguments([CooperationRecorded.Cooperation.cooperating.rawValue] + Array(chunk)))
                for row in withheld {
                    guard let caseId = UUID(uuidString: row["case_id"]) else { continue }
                    contents.withheldCooperation[row["subject_id"], default: []].insert(caseId)
                }
            }
            return contents
        }
    }

    public func isProcessed(_ eventId: String) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM processed_event WHERE event_id = ?", arguments: [eventId]) == true
        }
    }

    /// Records a batch's events as handled, forgets the parked tasks it disclosed and the
    /// held updates it sent, and remembers the messages it sent partners, in one transaction:
    /// a replay of the batch finds the same ids and changes nothing.
    /// `erased` are people whose every row goes, last, in the same transaction: a replay of
    /// their erasure finds it handled only when nothing of them is left.
    public func complete(processed eventIds: [String], unparked: [String], remembered: [DisclosureMemory] = [],
                         releasedHeld: [HeldUpdate.Key] = [], scopes: [SubjectScope] = [], caseLives: [CaseLife] = [],
                         erased: [String] = [])
        async throws {
        guard !eventIds.isEmpty || !unparked.isEmpty || !remembered.isEmpty || !releasedHeld.isEmpty || !scopes.isEmpty
                || !caseLives.isEmpty || !erased.isEmpty
        else { return }
        let now = ContractCoding.timestamp(Date())
        try await database.write { db in
            let mark = try db.cachedStatement(sql: "INSERT OR IGNORE INTO processed_event (event_id, processed_at) VALUES (?, ?)")
            for id in eventIds { try mark.execute(arguments: [id, now]) }
            let unpark = try db.cachedStatement(sql: "DELETE FROM parked_task WHERE source_event_id = ?")
            for id in unparked { try unpark.execute(arguments: [id]) }
            try Self.remove(held: releasedHeld, in: db)
            try Self.remember(remembered, in: db)
            try Self.record(scopes, in: db)
            try Self.record(caseLives, seen: Set(scopes.map(\.subjectId)), at: now, in: db)
            for subjectId in erased { _ = try Self.erase(subjectId, in: db) }
        }
        if !erased.isEmpty { try ErasingDatabase.forgetOldPages(database) }
    }

    /// Whether the person's consent for this basisvoorwaarde currently stands.
    public func hasConsent(subjectId: String, domain: Domain) async throws -> Bool {
        try await standingConsent(subjectId: subjectId, domain: domain) != nil
    }

    /// The consentId of the person's consent for this basisvoorwaarde, if it stands.
    public func standingConsent(subjectId: String, domain: Domain) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT consent_id FROM consent WHERE subject_id = ? AND domain = ? AND given = 1",
                                arguments: [subjectId, domain.rawValue])
        }
    }

    /// Records a consent or its withdrawal. The statement received last wins: the filter
    /// applies a person's statements in the order of their partition, and a time given by a
    /// caller plays no part. `changed_at` is the hub's clock, kept for the record only.
    public func setConsent(subjectId: String, domain: Domain, given: Bool, consentId: String) async throws {
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO consent (subject_id, domain, given, consent_id, changed_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(subject_id, domain) DO UPDATE SET given = excluded.given, consent_id = excluded.consent_id,
                    changed_at = excluded.changed_at
                """, arguments: [subjectId, domain.rawValue, given, consentId, ContractCoding.timestamp(Date())])
        }
    }

    public func park(_ parked: ParkedTask) async throws {
        let payload = try parked.task.encodedJSON()
        try await database.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO parked_task (source_event_id, subject_id, domain, payload, traceparent, parked_at,
                                                   task_id, partner_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [parked.sourceEventId, parked.task.subjectId, parked.task.domain?.rawValue ?? "", payload,
                                 parked.traceparent, ContractCoding.timestamp(Date()), parked.task.taskId,
                                 parked.task.partnerId])
        }
    }

    /// The parked task with this task id for this partner, if one waits.
    public func parked(taskId: String, partnerId: String) async throws -> ParkedTask? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM parked_task WHERE task_id = ? AND partner_id = ?",
                             arguments: [taskId, partnerId]).map { try Self.parkedTask($0) }
        }
    }

    /// Replaces a parked task's content with its latest state (a revision), so that the
    /// offer made when consent comes carries it. Its place in line and its ids stay.
    public func revise(parked sourceEventId: String, to task: TaskAssigned) async throws {
        let payload = try task.encodedJSON()
        try await database.write { db in
            try db.execute(sql: "UPDATE parked_task SET payload = ? WHERE source_event_id = ?",
                           arguments: [payload, sourceEventId])
        }
    }

    /// Drops a parked task for good (it was withdrawn): it is never disclosed.
    public func drop(parked sourceEventId: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM parked_task WHERE source_event_id = ?", arguments: [sourceEventId])
        }
    }

    public func parked(subjectId: String, domain: Domain) async throws -> [ParkedTask] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM parked_task WHERE subject_id = ? AND domain = ? ORDER BY parked_at",
                             arguments: [subjectId, domain.rawValue]).map { row in
                try Self.parkedTask(row)
            }
        }
    }

    /// Tasks parked before `time` that planning was not told about yet, oldest first.
    public func unreportedParked(parkedBefore time: Date, limit: Int = 500) async throws -> [ParkedTask] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM parked_task WHERE reported_at IS NULL AND released_at IS NULL AND parked_at < ?
                ORDER BY parked_at LIMIT ?
                """, arguments: [ContractCoding.timestamp(time), limit]).map { try Self.parkedTask($0) }
        }
    }

    /// Claims a parked task for the awaiting-consent report; false when it was reported or
    /// released (its consent came) meanwhile. One writer decides, so a task is never both
    /// released unreported and reported afterwards.
    public func claimForReport(_ sourceEventId: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: """
                UPDATE parked_task SET reported_at = ? WHERE source_event_id = ? AND reported_at IS NULL AND released_at IS NULL
                """, arguments: [ContractCoding.timestamp(Date()), sourceEventId])
            return db.changesCount > 0
        }
    }

    /// Gives a claim back when the report could not be written, so the next sweep tries again.
    public func unclaimReport(_ sourceEventId: String) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE parked_task SET reported_at = NULL WHERE source_event_id = ? AND released_at IS NULL",
                           arguments: [sourceEventId])
        }
    }

    /// Marks a parked task released (its consent came); returns whether planning had been
    /// told it was waiting. The row stays until `unpark`, so a retry finds it again.
    public func release(_ sourceEventId: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE parked_task SET released_at = COALESCE(released_at, ?) WHERE source_event_id = ?",
                           arguments: [ContractCoding.timestamp(Date()), sourceEventId])
            return try String.fetchOne(db, sql: "SELECT reported_at FROM parked_task WHERE source_event_id = ?",
                                       arguments: [sourceEventId]) != nil
        }
    }

    static func parkedTask(_ row: Row) throws -> ParkedTask {
        ParkedTask(sourceEventId: row["source_event_id"], task: try TaskAssigned.decodedJSON(row["payload"]),
                   traceparent: row["traceparent"])
    }

    public func parkedCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM parked_task") ?? 0 }
    }
}

extension Array {
    /// The array in consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
