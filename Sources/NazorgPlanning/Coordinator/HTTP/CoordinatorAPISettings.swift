import Foundation
import NazorgRuntime

/// What the coordinator's API and page need beside the desk: who may call, what the
/// coordinator's policy lets them see, and how long sessions and the view log may take.
public struct CoordinatorAPISettings: Sendable {
    /// The coordinator and RCN accounts (`--callers FILE`).
    public var accounts: CoordinatorAccounts
    /// The `municipality-coordinator` policy (`--policies DIR`): which person fields are shown.
    public var policy: CoordinatorPolicy
    /// `Contracts/openapi/planning.yaml`, served at `/openapi.yaml`; nil: not served.
    public var openAPIDocument: String?
    /// A page session ends after this long without a request (default 30 minutes).
    public var sessionIdleTimeout: Duration
    /// A page session ends this long after login, however busy (default 8 hours).
    public var sessionLifetime: Duration
    /// How long a read waits for the disclosure log to acknowledge its CaseViewed records
    /// before it answers 503 (default 5 s). The answer never goes out without them.
    public var viewLogDeadline: Duration

    public init(accounts: CoordinatorAccounts, policy: CoordinatorPolicy, openAPIDocument: String? = nil,
                sessionIdleTimeout: Duration = .seconds(30 * 60), sessionLifetime: Duration = .seconds(8 * 3_600),
                viewLogDeadline: Duration = .seconds(5)) {
        self.accounts = accounts
        self.policy = policy
        self.openAPIDocument = openAPIDocument
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionLifetime = sessionLifetime
        self.viewLogDeadline = viewLogDeadline
    }

    /// Reads the account file, the coordinator's policy from `policies`, and the OpenAPI
    /// document when `openAPIFile` can be read (a missing document only leaves
    /// `/openapi.yaml` unserved).
    public static func load(callersFile: String, policiesDirectory: String,
                            openAPIFile: String = "Contracts/openapi/planning.yaml") throws -> CoordinatorAPISettings {
        CoordinatorAPISettings(accounts: try CoordinatorAccounts(contentsOf: callersFile),
                               policy: try CoordinatorPolicy.load(directory: policiesDirectory),
                               openAPIDocument: try? String(contentsOfFile: openAPIFile, encoding: .utf8))
    }
}
