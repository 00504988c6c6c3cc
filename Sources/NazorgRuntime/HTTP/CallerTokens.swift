import Crypto
import Foundation
import Hummingbird
import Yams

/// Who may call a service's API: bearer tokens, each with the scopes it may act for (a
/// desk's prison codes at intake, a partner's id at the adapters). Only SHA-256 hashes of
/// the tokens are configured, so the file holds no secret.
///
/// File format (YAML):
/// ```yaml
/// callers:
///   - name: pi-vught-desk          # for logs; never a person
///     sha256: 9f86d08…             # printf %s "$TOKEN" | sha256sum
///     scopes: [PI-VUGHT]           # "*" allows every scope
/// ```
public struct CallerTokens: Sendable {
    public struct Caller: Sendable, Codable, Equatable {
        public var name: String
        public var sha256: String
        public var scopes: [String]

        public init(name: String, sha256: String, scopes: [String]) {
            self.name = name
            self.sha256 = sha256
            self.scopes = scopes
        }

        public func allows(_ scope: String) -> Bool { isUnscoped || scopes.contains(scope) }

        /// True for a caller that may act for every scope (`"*"`).
        public var isUnscoped: Bool { scopes.contains("*") }
    }

    private let callers: [String: Caller]

    public init(callers: [Caller]) throws {
        var byHash: [String: Caller] = [:]
        for caller in callers {
            let hash = caller.sha256.lowercased()
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else {
                throw ConfigurationError("caller '\(caller.name)' needs the SHA-256 of its token as 64 hex digits")
            }
            guard !caller.scopes.isEmpty else { throw ConfigurationError("caller '\(caller.name)' has no scopes") }
            guard byHash.updateValue(caller, forKey: hash) == nil else {
                throw ConfigurationError("caller '\(caller.name)' uses a token another caller uses too")
            }
        }
        self.callers = byHash
    }

    public init(contentsOf path: String) throws {
        struct File: Decodable { var callers: [Caller] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the caller token file '\(path)' cannot be read")
        }
        do {
            try self.init(callers: try YAMLDecoder().decode(File.self, from: text).callers)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("the caller token file '\(path)' is not valid: \(error)")
        }
    }

    /// The hash to configure for a token.
    public static func hash(_ token: String) -> String { Array(SHA256.hash(data: Array(token.utf8))).hexString }

    /// The caller behind the request's bearer token; a 401 problem when there is none.
    public func authenticate(_ request: Request) throws -> Caller {
        guard let caller = caller(of: request) else { throw ProblemDetails.unauthorized }
        return caller
    }

    /// The caller behind the request's bearer token, if any.
    public func caller(of request: Request) -> Caller? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        return callers[Self.hash(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))]
    }

}

extension ProblemDetails {
    public static let unauthorized = ProblemDetails(
        type: "urn:nazorg-hub:problem:unauthorized", title: "Authentication required", status: .unauthorized,
        detail: "Send a valid bearer token in the Authorization header.")

    public static func forbidden(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:forbidden", title: "Not allowed", status: .forbidden, detail: detail)
    }
}
