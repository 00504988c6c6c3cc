import Foundation
import NazorgRuntime
import Synchronization

/// The page's sessions, kept in memory only (a restart logs everyone out). A session id and
/// its CSRF token are 256 random bits each; the id lives in an HttpOnly cookie, the token in
/// every form. The login form gets an anonymous session of its own, so the login is
/// CSRF-checked too, and a login always starts a new session id (no fixation).
final class CoordinatorSessions: Sendable {
    /// A message for the next page the session sees (post/redirect/get).
    struct Flash: Sendable, Equatable {
        var text: String
        var isError: Bool
    }

    struct Session: Sendable, Equatable {
        var id: String
        var csrf: String
        /// nil before login.
        var actor: CoordinatorActor?
        var startedAt: Date
        var lastSeenAt: Date
        var flash: Flash?
    }

    /// Anonymous sessions (an open login form) end after this long.
    static let anonymousLifetime: TimeInterval = 10 * 60
    static let maximumAnonymous = 1_000
    static let maximumSignedIn = 10_000

    private let sessions = Mutex<[String: Session]>([:])
    private let idleTimeout: TimeInterval
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    init(idleTimeout: Duration, lifetime: Duration, now: @escaping @Sendable () -> Date) {
        self.idleTimeout = Self.seconds(idleTimeout)
        self.lifetime = Self.seconds(lifetime)
        self.now = now
    }

    /// A new session for the login form.
    func startAnonymous() -> Session {
        insert(Session(id: Self.randomToken(), csrf: Self.randomToken(), actor: nil, startedAt: now(), lastSeenAt: now()))
    }

    /// Signs `actor` in: the anonymous session ends and a new one, with a new id and token, begins.
    func signIn(replacing anonymousId: String, actor: CoordinatorActor) -> Session {
        _ = sessions.withLock { $0.removeValue(forKey: anonymousId) }
        return insert(Session(id: Self.randomToken(), csrf: Self.randomToken(), actor: actor, startedAt: now(), lastSeenAt: now()))
    }

    /// The live session with this id, its last use moved to now; nil when unknown or expired.
    func session(id: String) -> Session? {
        let at = now()
        return sessions.withLock { all in
            guard var session = all[id] else { return nil }
            guard isLive(session, at: at) else {
                all[id] = nil
                return nil
            }
            session.lastSeenAt = at
            all[id] = session
            return session
        }
    }

    func end(id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    func setFlash(_ flash: Flash, id: String) {
        sessions.withLock { $0[id]?.flash = flash }
    }

    /// The session's message, once.
    func takeFlash(id: String) -> Flash? {
        sessions.withLock { all in
            let flash = all[id]?.flash
            all[id]?.flash = nil
            return flash
        }
    }

    /// Whether `token` is this session's CSRF token, compared in constant time.
    static func matches(_ token: String?, _ session: Session) -> Bool {
        guard let token else { return false }
        let a = Array(token.utf8), b = Array(session.csrf.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    var count: Int { sessions.withLock { $0.count } }

    private func insert(_ session: Session) -> Session {
        let at = now()
        sessions.withLock { all in
            all = all.filter { isLive($0.value, at: at) }
            let signedIn = session.actor != nil
            let limit = signedIn ? Self.maximumSignedIn : Self.maximumAnonymous
            let peers = all.values.filter { ($0.actor != nil) == signedIn }
            if peers.count >= limit, let oldest = peers.min(by: { $0.lastSeenAt < $1.lastSeenAt }) {
                all[oldest.id] = nil
            }
            all[session.id] = session
        }
        return session
    }

    private func isLive(_ session: Session, at: Date) -> Bool {
        if session.actor == nil { return at.timeIntervalSince(session.startedAt) < Self.anonymousLifetime }
        return at.timeIntervalSince(session.lastSeenAt) < idleTimeout && at.timeIntervalSince(session.startedAt) < lifetime
    }

    /// 256 random bits as 64 hex digits, from the system's secure generator.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.hexString
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
