import GRDB

/// SQLite settings for a store that holds personal data and must be able to forget it: a
/// deleted row is overwritten in its page (`secure_delete`), and after an erasure the WAL,
/// which still holds the pages as they were, is checkpointed and truncated.
public enum ErasingDatabase {
    /// A pool whose connections overwrite what they delete.
    public static func pool(path: String, configuration: Configuration = Configuration()) throws -> DatabasePool {
        var configuration = configuration
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// Writes the WAL back into the database and empties it, so no old page image remains.
    public static func forgetOldPages(_ database: DatabasePool) throws {
        try database.writeWithoutTransaction { db in
            _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
