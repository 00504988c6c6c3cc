import Foundation
import Hummingbird
import NazorgContracts
import NazorgRuntime
import Yams

/// An account that may record consent statements, and for whom.
public struct ConsentCaller: Sendable, Equatable {
    public var recorder: ConsentRecorder
    /// Prison codes for a desk, municipality codes for a coordinator; nil: everyone.
    public var scopes: Set<String>?

    /// A person is within reach when one of the prisons or municipalities their notices
    /// named is the caller's; a person the hub has no notice about is no one's.
    func mayRecord(forSubjectIn subjectScopes: Set<String>) -> Bool {
        guard !subjectScopes.isEmpty else { return false }
        guard let scopes else { return true }
        return !scopes.isDisjoint(with: subjectScopes)
    }
}

/// Who may use the consent API: a file of its own, so that no token of another service (a
/// partner's, say) can record consent by accident. Each caller names its role: a `pi-desk`
/// is scoped to prison codes, a `municipality-coordinator` to municipality codes or safety
/// regions (`VR13`); `*` reaches everyone. Use the same token hashes as in intake's and
/// planning's caller files, so that a desk or coordinator keeps one token.
///
/// ```yaml
/// callers:
///   - name: pi-vught-desk              # what recordedBy carries; never a person's name
///     sha256: 9f86d08…                 # printf %s "$TOKEN" | sha256sum
///     role: pi-desk
///     scopes: [PI-VUGHT]
///   - name: coordinator-amsterdam
///     sha256: 2c26b46…
///     role: municipality-coordinator
///     scopes: [GM0363]
/// ```
public struct ConsentCallers: Sendable {
    public struct Entry: Sendable, Codable, Equatable {
        public var name: String
        public var sha256: String
        public var role: ConsentRecorder.Role
        public var scopes: [String]

        public init(name: String, sha256: String, role: ConsentRecorder.Role, scopes: [String]) {
            self.name = name
            self.sha256 = sha256
            self.role = role
            self.scopes = scopes
        }
    }

    private let tokens: CallerTokens
    private let byName: [String: ConsentCaller]

    public init(_ entries: [Entry]) throws {
        tokens = try CallerTokens(callers: entries.map { CallerTokens.Caller(name: $0.name, sha256: $0.sha256, scopes: $0.scopes) })
        var byName: [String: ConsentCaller] = [:]
        for entry in entries {
            guard InputText.fullyMatches(entry.name, pattern: #"\A[A-Za-z0-9._-]{1,64}\z"#) else {
                throw ConfigurationError("consent caller '\(entry.name)' needs a name of 1 to 64 letters, digits, '.', '_' or '-'")
            }
            let scopes: Set<String>?
            switch entry.role {
            case .piDesk:
                if entry.scopes.contains("*") {
                    scopes = nil
                } else {
                    guard let wrong = entry.scopes.first(where: { !InputText.fullyMatches($0, pattern: #"\A[A-Z0-9-]{2,24}\z"#) })
                    else {
                        scopes = Set(entry.scopes)
                        break
                    }
                    throw ConfigurationError("consent caller '\(entry.name)': scope '\(wrong)' is not a prison code")
                }
            case .municipalityCoordinator:
                do {
                    scopes = try MunicipalityScopes.municipalities(for: entry.scopes)
                } catch let error as ConfigurationError {
                    throw ConfigurationError("consent caller '\(entry.name)': \(error.message)")
                }
            }
            let caller = ConsentCaller(recorder: ConsentRecorder(name: entry.name, role: entry.role), scopes: scopes)
            guard byName.updateValue(caller, forKey: entry.name) == nil else {
                throw ConfigurationError("consent caller name '\(entry.name)' appears twice; names are what recordedBy carries")
            }
        }
        self.byName = byName
    }

    /// Reads the caller file (YAML, `callers: [...]`).
    public init(contentsOf path: String) throws {
        struct File: Decodable { var callers: [Entry] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the consent caller file '\(path)' cannot be read")
        }
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch {
            throw ConfigurationError("the consent caller file '\(path)' is not valid: \(error)")
        }
        try self.init(file.callers)
    }

    /// The caller behind the request's bearer token; a 401 problem when there is none.
    func authenticate(_ request: Request) throws -> ConsentCaller {
        guard let caller = tokens.caller(of: request).flatMap({ byName[$0.name] }) else { throw ProblemDetails.unauthorized }
        return caller
    }
}
