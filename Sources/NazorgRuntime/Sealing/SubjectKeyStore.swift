import Crypto
import Foundation
import GRDB
import Synchronization

/// The data keys that seal a person's personal fields on the hub's topics, one per person
/// and scope (the hub's own topics, or one partner's topic), so that deleting a person's
/// keys makes every sealed copy on every topic unreadable at once (crypto-shredding).
///
/// One SQLite file, shared by every service that seals or opens (intake, planning, the
/// filter, the adapters) on one host; WAL lets them read it at the same time. Deleted keys
/// are overwritten on disk (`secure_delete`) and the WAL is truncated after an erasure, so
/// no page of the file keeps them. A key's id is random and names no one; an erased key's
/// id stays as a tombstone, so a record sealed under it is known to be erased rather than
/// sealed by a store this service does not know (which would be a configuration error and
/// must not silently lose the record).
public final class SubjectKeyStore: Sendable {
    /// What the store knows of one key id.
    public enum Lookup {
        case key(SymmetricKey)
        /// The person was erased: what this key sealed is gone for good.
        case erased
        /// Not a key of this store.
        case unknown
    }

    let database: DatabasePool
    /// Where the file is, for messages; never a person.
    public let path: String
    /// Sealing keys read in the last `sealingCacheLifetime`, so sealing a batch reads the
    /// store once per person. Only for sealing: a key erased meanwhile (by another process)
    /// seals at most that long more, and what it seals is unreadable like every other copy.
    /// Opening never uses a cache: an erased key must stop opening at once.
    private let sealingCache = Mutex<[String: (kid: String, key: Data, until: ContinuousClock.Instant)]>([:])
    static let sealingCacheLifetime: Duration = .seconds(2)

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        database = try ErasingDatabase.pool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE subject_key (
                    kid TEXT PRIMARY KEY, subject_id TEXT NOT NULL, scope TEXT NOT NULL, key BLOB NOT NULL,
                    created_at TEXT NOT NULL);
                CREATE UNIQUE INDEX subject_key_by_subject ON subject_key (subject_id, scope);
                CREATE TABLE erased_key (kid TEXT PRIMARY KEY, erased_at TEXT NOT NULL);
                """)
        }
        try migrator.migrate(database)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// The key that seals `subjectId`'s fields in `scope`, made on first use. Services on one
    /// store racing for a new person's key get the same one (the insert is conditional).
    public func sealingKey(subjectId: String, scope: String, now: Date = Date()) throws -> (kid: String, key: SymmetricKey) {
        let cacheKey = scope + "\u{1F}" + subjectId
        let instant = ContinuousClock.now
        if let cached = sealingCache.withLock({ $0[cacheKey] }), cached.until > instant { return (cached.kid, SymmetricKey(data: cached.key)) }
        let found = try storedSealingKey(subjectId: subjectId, scope: scope, now: now)
        let bytes = found.key.withUnsafeBytes { Data($0) }
        sealingCache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[cacheKey] = (found.kid, bytes, instant + Self.sealingCacheLifetime)
        }
        return found
    }

    private func storedSealingKey(subjectId: String, scope: String, now: Date) throws -> (kid: String, key: SymmetricKey) {
        if let found = try database.read({ db in try Self.current(subjectId, scope, db) }) { return found }
        return try database.write { db in
            if let found = try Self.current(subjectId, scope, db) { return found }
            let key = SymmetricKey(size: .bits256)
            let kid = Self.newKeyID()
            try db.execute(sql: "INSERT INTO subject_key (kid, subject_id, scope, key, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [kid, subjectId, scope, key.withUnsafeBytes { Data($0) }, Self.timestamp(now)])
            return (kid, key)
        }
    }

    /// What the store knows of each key id, in one read.
    public func lookup(_ kids: Set<String>) throws -> [String: Lookup] {
        guard !kids.isEmpty else { return [:] }
        return try database.read { db in
            var found: [String: Lookup] = [:]
            let list = Array(kids)
            let marks = databaseQuestionMarks(count: list.count)
            for row in try Row.fetchAll(db, sql: "SELECT kid, key FROM subject_key WHERE kid IN (\(marks))",
                                        arguments: StatementArguments(list)) {
                found[row["kid"]] = .key(SymmetricKey(data: row["key"] as Data))
            }
            for row in try Row.fetchAll(db, sql: "SELECT kid FROM erased_key WHERE kid IN (\(marks))",
                                        arguments: StatementArguments(list)) {
                found[row["kid"]] = .erased
            }
            for kid in list where found[kid] == nil { found[kid] = .unknown }
            return found
        }
    }

    /// Deletes every key of `subjectId`, leaving only their ids as tombstones, and returns
    /// how many there were. Afterwards no page of the file holds them.
    @discardableResult
    public func erase(subjectId: String, now: Date = Date()) throws -> Int {
        let erased = try database.write { db in
            let kids = try String.fetchAll(db, sql: "SELECT kid FROM subject_key WHERE subject_id = ?", arguments: [subjectId])
            for kid in kids {
                try db.execute(sql: "INSERT OR IGNORE INTO erased_key (kid, erased_at) VALUES (?, ?)",
                               arguments: [kid, Self.timestamp(now)])
            }
            try db.execute(sql: "DELETE FROM subject_key WHERE subject_id = ?", arguments: [subjectId])
            return kids.count
        }
        sealingCache.withLock { cache in cache = cache.filter { !$0.key.hasSuffix("\u{1F}" + subjectId) } }
        if erased > 0 { try ErasingDatabase.forgetOldPages(database) }
        return erased
    }

    /// How many people have a key: for tests and the operator.
    public func subjectCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT subject_id) FROM subject_key") ?? 0 }
    }

    private static func current(_ subjectId: String, _ scope: String, _ db: Database) throws -> (kid: String, key: SymmetricKey)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT kid, key FROM subject_key WHERE subject_id = ? AND scope = ?",
                                         arguments: [subjectId, scope]) else { return nil }
        return (row["kid"], SymmetricKey(data: row["key"] as Data))
    }

    private static func newKeyID() -> String {
        let bytes = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
