import Foundation
import Hummingbird
import NazorgRuntime
import Yams

/// The accounts that may use the coordinator's API and page: the caller file every service
/// reads (``CallerTokens``: SHA-256 of each token, a name, scopes), where each scope is a
/// municipality code (`GM0363`), a safety region (`VR13`: every municipality of the
/// region) or `*`. Every scope is checked at start-up, so a typo stops planning instead of
/// hiding cases.
///
/// ```yaml
/// callers:
///   - name: coordinator-amsterdam     # what updatedBy/recordedBy carry; never a person's name
///     sha256: 9f86d08…                # printf %s "$TOKEN" | sha256sum
///     scopes: [GM0363]
/// ```
public struct CoordinatorAccounts: Sendable {
    private let tokens: CallerTokens
    /// By token hash, for the page's login form.
    private let byHash: [String: CoordinatorActor]
    /// By configured name, for the API's bearer tokens.
    private let byName: [String: CoordinatorActor]

    public init(callers: [CallerTokens.Caller]) throws {
        tokens = try CallerTokens(callers: callers)
        var byHash: [String: CoordinatorActor] = [:]
        var byName: [String: CoordinatorActor] = [:]
        for caller in callers {
            guard InputText.fullyMatches(caller.name, pattern: Self.namePattern) else {
                throw ConfigurationError("coordinator account '\(caller.name)' needs a name of 1 to 64 letters, digits, '.', '_' or '-'")
            }
            let scope: CoordinatorScope
            do {
                scope = try CoordinatorScope(scopes: caller.scopes)
            } catch let error as ConfigurationError {
                throw ConfigurationError("coordinator account '\(caller.name)': \(error.message)")
            }
            let actor = CoordinatorActor(name: caller.name, scope: scope)
            guard byName.updateValue(actor, forKey: caller.name) == nil else {
                throw ConfigurationError("coordinator account name '\(caller.name)' appears twice; names are what the case history shows")
            }
            byHash[caller.sha256.lowercased()] = actor
        }
        self.byHash = byHash
        self.byName = byName
    }

    /// Reads the caller file (YAML, `callers: [...]`).
    public init(contentsOf path: String) throws {
        struct File: Decodable { var callers: [CallerTokens.Caller] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the coordinator account file '\(path)' cannot be read")
        }
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch {
            throw ConfigurationError("the coordinator account file '\(path)' is not valid: \(error)")
        }
        try self.init(callers: file.callers)
    }

    /// Account names: they reach logs and the case history, so only plain characters.
    static let namePattern = #"\A[A-Za-z0-9._-]{1,64}\z"#

    /// The account behind the request's bearer token; a 401 problem when there is none.
    func authenticate(_ request: Request) throws -> CoordinatorActor {
        let caller = try tokens.authenticate(request)
        guard let actor = byName[caller.name] else { throw ProblemDetails.unauthorized }
        return actor
    }

    /// The account a token typed into the login form belongs to.
    func actor(forToken token: String) -> CoordinatorActor? {
        byHash[CallerTokens.hash(token)]
    }
}
