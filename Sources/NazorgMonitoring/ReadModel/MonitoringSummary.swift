import NazorgContracts

/// The counts the dashboard, the summary API and the metrics show. Pseudonymous by
/// construction: it holds numbers per type, status and partner, nothing about a person.
public struct MonitoringSummary: Sendable, Equatable, Encodable {
    /// Task statuses in display order; `assigned` is a task without a partner status yet.
    public static let taskStatuses = ["assigned"] + TaskStatus.allCases.map(\.rawValue)

    /// Intake notices observed, all types together.
    public var notices: Int
    /// Intake notices per `EventType` raw value; every notice type is present.
    public var noticesByType: [String: Int]
    /// Cases opened and not (yet) closed.
    public var openCases: Int
    public var escalations: Int
    /// Escalations not resolved yet (acknowledged ones included).
    public var openEscalations: Int
    /// Escalations the coordinator (or the hub, when the case closed) resolved.
    public var resolvedEscalations: Int
    /// Escalations per reason code; every reason in ``escalationReasons`` is present. Tasks
    /// waiting for consent, dead-lettered or refused for good show up here.
    public var escalationsByReason: [String: Int]
    /// Tasks by their latest status; every status in ``taskStatuses`` is present.
    public var tasksByStatus: [String: Int]
    /// Tasks per partner id, by latest status; each partner has every status.
    public var tasksByPartner: [String: [String: Int]]

    public init(notices: Int = 0, noticesByType: [String: Int] = [:], openCases: Int = 0, escalations: Int = 0,
                openEscalations: Int = 0, resolvedEscalations: Int = 0, escalationsByReason: [String: Int] = [:], tasksByStatus: [String: Int] = [:], tasksByPartner: [String: [String: Int]] = [:]) {
        self.notices = notices
        self.noticesByType = noticesByType
        self.openCases = openCases
        self.escalations = escalations
        self.openEscalations = openEscalations
        self.resolvedEscalations = resolvedEscalations
        self.escalationsByReason = escalationsByReason
        self.tasksByStatus = tasksByStatus
        self.tasksByPartner = tasksByPartner
    }

    /// The JSON of `GET /api/v1/summary`; per-type notice counts appear only in the
    /// dashboard and the metrics.
    enum CodingKeys: String, CodingKey {
        case notices, openCases, escalations, openEscalations, resolvedEscalations, escalationsByReason, tasksByStatus
        case tasksByPartner
    }

    /// Escalation reasons in display order; `unknown` counts escalations observed without one.
    public static let escalationReasons = EscalationRaised.Reason.allCases.map(\.rawValue) + [unknownReason]
    static let unknownReason = "unknown"

    /// The intake notice types, in contract order.
    public static var noticeTypes: [EventType] { EventType.allCases.filter(\.isIntakeNotice) }
}
