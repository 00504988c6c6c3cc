import Foundation
import GRDB
import NazorgContracts

/// ``OfferStore`` in one SQLite file (GRDB): one row per message to a partner. GRDB runs every access on its own serial
/// queue, so the cooperative pool never blocks on disk.
public final class SQLiteOfferStore: OfferStore {
    private let database: DatabaseQueue

    /// Opens (and migrates) the store at `path`; nil keeps it in memory, for tests.
    public init(path: String?) throws {
        database = try path.map { try DatabaseQueue(path: $0, configuration: Self.fileConfiguration) } ?? DatabaseQueue()
        try Self.migrator.migrate(database)
    }

    /// A file in WAL mode, where GRDB sets `synchronous = NORMAL`: a commit appends to the log
    /// with no sync, where the rollback journal synced three times, and an adapter commits
    /// twice per offer (received, delivered). A crash of the process loses nothing committed;
    /// a power cut can lose the last "delivered" marks, and the offer is then posted once
    /// more, which partners take as the repeat it is (same offer id, see the webhook
    /// contract). See `bench e2e` in docs/BENCHMARKS.md for what it was worth.
    private static var fileConfiguration: Configuration {
        var configuration = Configuration()
        configuration.journalMode = .wal
        return configuration
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-offers") { db in
            try db.create(table: "offers") { t in
                t.primaryKey("offer_id", .text)
                t.column("task_id", .text).notNull()
                t.column("partner_id", .text).notNull()
                t.column("domain", .text).notNull()
                t.column("subject_id", .text).notNull()
                t.column("case_id", .text).notNull()
                t.column("traceparent", .text)
                t.column("offered_at", .double).notNull()
                t.column("delivered_at", .double)
            }
            try db.create(index: "offers_by_partner_task", on: "offers", columns: ["partner_id", "task_id", "offered_at"])
        }
        // Offers no longer carry hub-internal ids (subject pseudonym, case id) to the adapters.
        migrator.registerMigration("v2-offers-without-hub-ids") { db in
            try db.execute(sql: """
                CREATE TABLE offers_v2 (
                    offer_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, partner_id TEXT NOT NULL, domain TEXT NOT NULL,
                    traceparent TEXT, offered_at DOUBLE NOT NULL, delivered_at DOUBLE);
                INSERT INTO offers_v2 SELECT offer_id, task_id, partner_id, domain, traceparent, offered_at, delivered_at FROM offers;
                DROP TABLE offers;
                ALTER TABLE offers_v2 RENAME TO offers;
                CREATE INDEX offers_by_partner_task ON offers (partner_id, task_id, offered_at);
                """)
        }
        // Retry state survives a restart, so back-off towards a partner that is down continues.
        migrator.registerMigration("v3-offer-retry-state") { db in
            try db.execute(sql: "ALTER TABLE offers ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "ALTER TABLE offers ADD COLUMN next_attempt_at DOUBLE")
        }
        // Every message to a partner is kept (updates, cancellations, retractions too), and a
        // task without a basisvoorwaarde (first contact) has no domain: NULL, not ''.
        migrator.registerMigration("v4-every-partner-message") { db in
            try db.execute(sql: """
                CREATE TABLE offers_v4 (
                    offer_id TEXT PRIMARY KEY, kind TEXT NOT NULL DEFAULT 'TaskOffered', task_id TEXT NOT NULL,
                    partner_id TEXT NOT NULL, domain TEXT, traceparent TEXT, offered_at DOUBLE NOT NULL, delivered_at DOUBLE,
                    failed_attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at DOUBLE);
                INSERT INTO offers_v4 (offer_id, task_id, partner_id, domain, traceparent, offered_at, delivered_at,
                                       failed_attempts, next_attempt_at)
                    SELECT offer_id, task_id, partner_id, NULLIF(domain, ''), traceparent, offered_at, delivered_at,
                           failed_attempts, next_attempt_at FROM offers;
                DROP TABLE offers;
                ALTER TABLE offers_v4 RENAME TO offers;
                CREATE INDEX offers_by_partner_task ON offers (partner_id, task_id, offered_at);
                """)
        }
        return migrator
    }

    public func recordFailedAttempt(offerId: String, nextAttemptAt: Date) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: """
                UPDATE offers SET failed_attempts = failed_attempts + 1, next_attempt_at = ? WHERE offer_id = ?
                """, arguments: [nextAttemptAt.timeIntervalSince1970, offerId])
            return try Int.fetchOne(db, sql: "SELECT failed_attempts FROM offers WHERE offer_id = ?", arguments: [offerId]) ?? 0
        }
    }

    public func record(_ offer: OfferRecord) async throws {
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO offers (offer_id, kind, task_id, partner_id, domain, traceparent, offered_at, delivered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(offer_id) DO NOTHING
                """, arguments: [offer.offerId, offer.kind.rawValue, offer.taskId, offer.partnerId, offer.domain?.rawValue,
                                 offer.traceparent,
                                 offer.offeredAt.timeIntervalSince1970, offer.deliveredAt?.timeIntervalSince1970])
        }
    }

    public func markDelivered(offerId: String, at date: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE offers SET delivered_at = ? WHERE offer_id = ? AND delivered_at IS NULL",
                           arguments: [date.timeIntervalSince1970, offerId])
        }
    }

    public func offer(id offerId: String) async throws -> OfferRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM offers WHERE offer_id = ?", arguments: [offerId]).map { try Self.offer(from: $0) }
        }
    }

    public func offer(partnerId: String, taskId: String) async throws -> OfferRecord? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM offers WHERE partner_id = ? AND task_id = ? AND kind = 'TaskOffered'
                ORDER BY offered_at DESC, offer_id DESC LIMIT 1
                """, arguments: [partnerId, taskId]) else { return nil }
            return try Self.offer(from: row)
        }
    }

    public func messages(partnerId: String, taskId: String) async throws -> [OfferRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM offers WHERE partner_id = ? AND task_id = ? ORDER BY offered_at, rowid
                """, arguments: [partnerId, taskId]).map { try Self.offer(from: $0) }
        }
    }

    private static func offer(from row: Row) throws -> OfferRecord {
        let domainValue: String? = row["domain"]
        let domain = domainValue.flatMap(Domain.init(rawValue:))
        guard domain != nil || domainValue == nil else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "an offers row has an unknown domain")
        }
        guard let kind = EventType(rawValue: row["kind"]), kind.isPartnerFacing else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "an offers row has an unknown kind")
        }
        let deliveredAt: Double? = row["delivered_at"]
        let nextAttemptAt: Double? = row["next_attempt_at"]
        var offer = OfferRecord(offerId: row["offer_id"], kind: kind, taskId: row["task_id"], partnerId: row["partner_id"], domain: domain,
                                traceparent: row["traceparent"],
                                offeredAt: Date(timeIntervalSince1970: row["offered_at"]),
                                deliveredAt: deliveredAt.map { Date(timeIntervalSince1970: $0) })
        offer.failedAttempts = row["failed_attempts"]
        offer.nextAttemptAt = nextAttemptAt.map { Date(timeIntervalSince1970: $0) }
        return offer
    }
}
