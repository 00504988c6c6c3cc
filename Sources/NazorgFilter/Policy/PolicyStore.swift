import NazorgContracts
import Synchronization

/// The policy set in force, which a policy change replaces whole. The filter takes it once
/// per batch (``FilterEngine/prepare(_:)``), so a batch is decided under one version however
/// a change falls, and its log records name that version.
///
/// A set is used only once its ``PolicyActivated`` record is on the disclosure log
/// (``PolicyWatcher``): until then a batch waits, as it would for any log record.
public final class PolicyStore: Sendable {
    private struct State {
        var active: PolicySet
        var logged: Bool
        /// The fingerprint of the last directory state the watcher refused.
        var refused: String? = nil
    }

    private let state: Mutex<State>

    /// `logged`: false when a ``PolicyWatcher`` is to record the set first.
    public init(_ initial: PolicySet, logged: Bool = true) {
        state = Mutex(State(active: initial, logged: logged))
    }

    public var current: PolicySet { state.withLock { $0.active } }

    var isLogged: Bool { state.withLock { $0.logged } }

    /// Puts `set` in force; its activation record was acknowledged.
    func activate(_ set: PolicySet) {
        state.withLock { $0 = State(active: set, logged: true, refused: $0.refused) }
    }

    /// The fingerprint (``PolicyDirectory/fingerprint(_:)``) of the last directory state that
    /// did not validate and so changed nothing; nil after a valid one.
    public var lastRefusedFingerprint: String? { state.withLock { $0.refused } }

    func noteRefused(_ fingerprint: String?) {
        state.withLock { $0.refused = fingerprint }
    }

    /// The set in force, once its activation is on the log.
    func loggedSet() async throws -> PolicySet {
        while true {
            if let set = state.withLock({ $0.logged ? $0.active : nil }) { return set }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// The policy set a batch is decided under, fixed when the batch is prepared.
final class BatchPolicies: Sendable {
    private let pinned = Mutex<PolicySet?>(nil)

    func pin(_ set: PolicySet) { pinned.withLock { $0 = set } }
    var set: PolicySet? { pinned.withLock { $0 } }
}
