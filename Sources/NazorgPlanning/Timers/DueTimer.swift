import Foundation
import NazorgContracts
import NazorgRuntime

/// A moment at which something in a case should have happened, and the escalation it
/// raises if it has not. Timers are not stored as such: they follow from a case's state
/// (``Planner/timers(for:)``), so a restart finds the same ones, and a timer's id derives
/// from its kind, its task or case and its due moment, so it fires once: a moved deadline
/// is a new timer, the same deadline never fires twice.
public struct DueTimer: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A task still `assigned` or `offered` longer than its partner's response time.
        case notAccepted = "not-accepted"
        /// An open task whose deadline day (or `dueAt`) passed.
        case deadlineMissed = "deadline-missed"
        /// No D&R plan in the case within the profile's working days of detention start.
        case planMissing = "plan-missing"
        /// Release day came with basisvoorwaarden open.
        case releaseDayOpen = "release-day-open"
        /// The first contact was not done at its `dueAt`.
        case firstContactMissed = "first-contact-missed"
        /// A task waited for consent longer than the profile allows.
        case consentTimeout = "consent-timeout"

        public var reason: EscalationRaised.Reason {
            switch self {
            case .notAccepted: return .notAccepted
            case .deadlineMissed: return .deadlineMissed
            case .planMissing: return .planMissing
            case .releaseDayOpen: return .releaseDayOpen
            case .firstContactMissed: return .firstContactMissed
            case .consentTimeout: return .consentTimeout
            }
        }
    }

    public var kind: Kind
    public var caseId: UUID
    public var taskId: String?
    public var dueAt: Date
    /// The input id of its firing, and the root of its escalations' ids.
    public var id: String

    /// `dueKey` is what makes the due moment part of the id: the instant in milliseconds, or
    /// for release day the day itself (the expected day's timer and the actual release on
    /// that day are one).
    public init(_ kind: Kind, caseId: UUID, taskId: String? = nil, dueAt: Date, dueKey: String? = nil) {
        self.kind = kind
        self.caseId = caseId
        self.taskId = taskId
        self.dueAt = dueAt
        let key = dueKey ?? String(Int64((dueAt.timeIntervalSince1970 * 1000).rounded(.down)))
        self.id = DeterministicID.string("timer", kind.rawValue, taskId ?? caseId.uuidString.lowercased(), key)
    }
}

/// A case's timers as a decision left it: the store keeps the earliest that has not fired.
public struct CaseTimers: Sendable {
    public var caseId: UUID
    public var timers: [DueTimer]

    public init(caseId: UUID, timers: [DueTimer]) {
        self.caseId = caseId
        self.timers = timers
    }
}
