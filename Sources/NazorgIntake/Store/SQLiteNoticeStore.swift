import Foundation
import GRDB
import NazorgContracts
import NazorgRuntime

/// ``NoticeStore`` in one SQLite file (GRDB, WAL). GRDB runs every access on its own serial
/// queue, so the cooperative pool never blocks on disk, and its single writer makes each
/// claim one atomic decision. Every request runs the same few statements, so they are
/// prepared once per connection (`cachedStatement`): preparing them anew, with GRDB's
/// authorizer consulted for each column, was half of the store's cost in `bench intake`.
public final class SQLiteNoticeStore: NoticeStore {
    private let database: any DatabaseWriter

    /// Opens (and migrates) the store at `path`; nil keeps it in memory, for tests.
    ///
    /// A pool runs in WAL mode, where GRDB sets `synchronous = NORMAL`: a commit appends to
    /// the log without a sync. A crash of the process loses nothing committed; a power cut
    /// can lose the last claims or "published" marks. A lost mark only makes a resubmission
    /// publish the same event again; a lost claim lets a later notice under that key pass
    /// once more, as before the store existed (its event id repeats, consumers keep the first).
    public init(path: String?) throws {
        database = try path.map { try ErasingDatabase.pool(path: $0) as any DatabaseWriter } ?? DatabaseQueue()
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-notices") { db in
            try db.execute(sql: """
                CREATE TABLE notice (
                    prison_code TEXT NOT NULL, notice_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
                    event_id TEXT NOT NULL, event_type TEXT NOT NULL, subject_id TEXT NOT NULL,
                    corrects_notice_id TEXT, corrected_by TEXT, received_at DOUBLE NOT NULL,
                    answer_status INTEGER NOT NULL, answer_body TEXT NOT NULL, published INTEGER NOT NULL,
                    PRIMARY KEY (prison_code, notice_id)) WITHOUT ROWID;
                """)
        }
        // The keys of notices about erased people: nothing else of them.
        migrator.registerMigration("v2-erased") { db in
            try db.execute(sql: """
                CREATE TABLE erased_notice (
                    prison_code TEXT NOT NULL, notice_id TEXT NOT NULL, erased_at DOUBLE NOT NULL,
                    PRIMARY KEY (prison_code, notice_id)) WITHOUT ROWID;
                CREATE INDEX notice_by_subject ON notice (subject_id);
                """)
        }
        return migrator
    }

    public func erase(subjectId: String) async throws -> Int {
        let erased = try await database.write { db -> Int in
            try db.execute(sql: """
                INSERT OR IGNORE INTO erased_notice (prison_code, notice_id, erased_at)
                    SELECT prison_code, notice_id, ? FROM notice WHERE subject_id = ?
                """, arguments: [Date().timeIntervalSince1970, subjectId])
            try db.execute(sql: "DELETE FROM notice WHERE subject_id = ?", arguments: [subjectId])
            return db.changesCount
        }
        if erased > 0, let pool = database as? DatabasePool { try ErasingDatabase.forgetOldPages(pool) }
        return erased
    }

    public func claim(_ notice: NoticeRecord) async throws -> NoticeClaim {
        try await database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM erased_notice WHERE prison_code = ? AND notice_id = ?",
                                 arguments: [notice.prisonCode, notice.noticeId]) == true {
                return .erased
            }
            let existing = try Self.fetch(db, prisonCode: notice.prisonCode, noticeId: notice.noticeId)
            let corrected = try existing == nil
                ? notice.correctsNoticeId.flatMap { try Self.fetch(db, prisonCode: notice.prisonCode, noticeId: $0) }
                : nil
            let claim = NoticeClaim.decide(notice, existing: existing, corrected: corrected)
            if case .new(let record) = claim {
                try Self.insert(db, record)
                if let target = record.correctsNoticeId {
                    try db.cachedStatement(sql: "UPDATE notice SET corrected_by = ? WHERE prison_code = ? AND notice_id = ?")
                        .execute(arguments: [record.noticeId, record.prisonCode, target])
                }
            }
            return claim
        }
    }

    public func markPublished(prisonCode: String, noticeId: String) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE notice SET published = 1 WHERE prison_code = ? AND notice_id = ? AND published = 0")
                .execute(arguments: [prisonCode, noticeId])
        }
    }

    public func notice(prisonCode: String, noticeId: String) async throws -> NoticeRecord? {
        try await database.read { db in try Self.fetch(db, prisonCode: prisonCode, noticeId: noticeId) }
    }

    private static func insert(_ db: Database, _ record: NoticeRecord) throws {
        try db.cachedStatement(sql: """
            INSERT INTO notice (prison_code, notice_id, fingerprint, event_id, event_type, subject_id, corrects_notice_id,
                                corrected_by, received_at, answer_status, answer_body, published)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [record.prisonCode, record.noticeId, record.fingerprint, record.eventId, record.eventType.rawValue,
                             record.subjectId, record.correctsNoticeId, record.correctedBy,
                             record.receivedAt.timeIntervalSince1970, record.answer.status, record.answer.body,
                             record.published])
    }

    private static func fetch(_ db: Database, prisonCode: String, noticeId: String) throws -> NoticeRecord? {
        let select = try db.cachedStatement(sql: "SELECT * FROM notice WHERE prison_code = ? AND notice_id = ?")
        guard let row = try Row.fetchOne(select, arguments: [prisonCode, noticeId]) else { return nil }
        let typeName: String = row["event_type"]
        guard let type = EventType(rawValue: typeName) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a notice row has an unknown event type")
        }
        return NoticeRecord(prisonCode: row["prison_code"], noticeId: row["notice_id"], fingerprint: row["fingerprint"],
                            eventId: row["event_id"], eventType: type, subjectId: row["subject_id"],
                            correctsNoticeId: row["corrects_notice_id"], correctedBy: row["corrected_by"],
                            receivedAt: Date(timeIntervalSince1970: row["received_at"]),
                            answer: NoticeAnswer(status: row["answer_status"], body: row["answer_body"]),
                            published: row["published"])
    }
}
