import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// Puts the coordinator's API (`/v1/...`), page (`/coordinator/...`) and contract
/// (`/openapi.yaml`) on planning's router.
public enum CoordinatorHTTP {
    /// Adds every route. `viewLog` is where reads of personal data are logged before they
    /// are answered; `now` stamps those records and runs the sessions' clock.
    public static func add(to router: Router<BasicRequestContext>, desk: any CoordinatorDesk, settings: CoordinatorAPISettings,
                           directory: PartnerDirectory, viewLog: any CaseViewLog, logger: Logger,
                           now: @escaping @Sendable () -> Date = Date.init) {
        let audit = CaseViewAudit(log: viewLog, policy: settings.policy, deadline: settings.viewLogDeadline, logger: logger, now: now)
        CoordinatorAPI(desk: desk, accounts: settings.accounts, policy: settings.policy, audit: audit, logger: logger).add(to: router)
        let sessions = CoordinatorSessions(idleTimeout: settings.sessionIdleTimeout, lifetime: settings.sessionLifetime, now: now)
        CoordinatorPage(desk: desk, accounts: settings.accounts, policy: settings.policy, audit: audit, sessions: sessions,
                        directory: directory, logger: logger).add(to: router)
        if let document = settings.openAPIDocument {
            router.get("/openapi.yaml") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: document)))
            }
        }
    }
}
