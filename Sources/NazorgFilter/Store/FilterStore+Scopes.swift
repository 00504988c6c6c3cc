import GRDB
import NazorgContracts

/// A prison or municipality a person's notice named: a consent API caller scoped to it may
/// record that person's consent statements.
public struct SubjectScope: Sendable, Hashable {
    public var subjectId: String
    public var scope: String

    public init(subjectId: String, scope: String) {
        self.subjectId = subjectId
        self.scope = scope
    }

    /// The prisons and municipalities a notice names: where the person is, was transferred
    /// to, or settles.
    static func named(by notice: IntakeNotice) -> [SubjectScope] {
        var codes = [notice.prisonCode, notice.municipality]
        switch notice {
        case .transferred(let transfer): codes.append(transfer.toPrisonCode)
        case .municipalityChanged(let change): codes.append(change.previousMunicipality)
        default: break
        }
        return Set(codes).sorted().map { SubjectScope(subjectId: notice.subjectId, scope: $0) }
    }
}

extension FilterStore {
    static func record(_ scopes: [SubjectScope], in db: Database) throws {
        guard !scopes.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO subject_scope (subject_id, scope) VALUES (?, ?)")
        for scope in scopes { try insert.execute(arguments: [scope.subjectId, scope.scope]) }
    }

    /// Every prison and municipality the person's notices named; empty for a person the
    /// filter has seen no notice about.
    public func scopes(subjectId: String) async throws -> Set<String> {
        try await database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT scope FROM subject_scope WHERE subject_id = ?", arguments: [subjectId]))
        }
    }
}
