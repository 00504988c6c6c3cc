import Foundation
import NazorgContracts
import NazorgRuntime

/// What one input changes: rows to write and events to publish, applied atomically.
public struct PlanningChange: Sendable {
    /// Cases to write; two when a new detention closes the previous case and opens the next.
    public var upsertCases: [CaseRecord] = []
    public var upsertTasks: [TaskRecord] = []
    public var upsertNotices: [NoticeRecord] = []
    public var outbox: [OutboxEvent] = []
    /// Escalations raised or moved on the coordinator's desk, as they now stand.
    public var upsertEscalations: [EscalationRecord] = []
    /// Coordinators' notes (free text: stored, never published or logged).
    public var notes: [CaseNote] = []
    /// What happened in the case, for its timeline.
    public var history: [CaseHistoryEntry] = []
    /// Disclosures the filter logged, for the timelines' summaries.
    public var disclosures: [DisclosureRecord] = []
    /// Why the input changed nothing, as a code that may be logged (an unknown withdrawn
    /// notice, a release without a case); nil when it was simply applied.
    public var ignoredBecause: String?
    /// The timers of each case the change wrote, as its state now implies them: the store
    /// keeps when the next one is due (see ``CaseTimers``).
    public var timers: [CaseTimers] = []

    public init(upsertCases: [CaseRecord] = [], upsertTasks: [TaskRecord] = [], upsertNotices: [NoticeRecord] = [],
                outbox: [OutboxEvent] = [], upsertEscalations: [EscalationRecord] = [], notes: [CaseNote] = [],
                history: [CaseHistoryEntry] = [], disclosures: [DisclosureRecord] = [], ignoredBecause: String? = nil) {
        self.upsertCases = upsertCases
        self.upsertTasks = upsertTasks
        self.upsertNotices = upsertNotices
        self.outbox = outbox
        self.upsertEscalations = upsertEscalations
        self.notes = notes
        self.history = history
        self.disclosures = disclosures
        self.ignoredBecause = ignoredBecause
    }

    /// The case as the change leaves it: the last one written.
    public var upsertCase: CaseRecord? { upsertCases.last }

    /// Nothing changes, for the reason given.
    public static func ignored(_ reason: String) -> PlanningChange { PlanningChange(ignoredBecause: reason) }
}

/// One input to apply: an event, whose state it concerns, and the decision to take on it.
public struct PlanningInput: Sendable {
    /// Whose case an input concerns.
    public enum Owner: Sendable {
        /// A notice names its person: their current (newest) case.
        case subject(String)
        /// A partner's report names only its task: the case the task belongs to, which may
        /// be an older case of the person.
        case ownerOfTask(String)
        /// The closure timer names the case.
        case caseId(UUID)
    }

    public typealias Decide = @Sendable (_ subjectId: String, CaseState?) throws -> PlanningChange

    public let eventId: String
    public let owner: Owner
    /// Decides against the state the earlier inputs of the same call left; throwing
    /// ``PoisonEvent`` refuses this input alone.
    public let decide: Decide

    public init(eventId: String, owner: Owner, decide: @escaping Decide) {
        self.eventId = eventId
        self.owner = owner
        self.decide = decide
    }
}

/// What applying one ``PlanningInput`` came to.
public enum PlanningOutcome: Sendable {
    case applied
    /// Applied, and the decision was to change nothing, for the reason given (a code).
    case ignored(String)
    /// The event was applied before: nothing changed.
    case alreadyApplied
    /// The input cannot be applied, now or ever: nothing of it changed.
    case refused(PoisonEvent)
}

/// Planning's durable state. SQLite now; the protocol leaves room for PostgreSQL.
public protocol PlanningStore: Sendable {
    /// Applies the inputs in order, all in one transaction: each is decided against the
    /// state its predecessors left and its change applied, unless its event was applied
    /// before. A refused input changes nothing and does not stop the others; any other error
    /// rolls the whole call back. Returns one outcome per input, in order.
    func apply(_ inputs: [PlanningInput]) async throws -> [PlanningOutcome]
    /// Deletes everything held about a person: every case with its rows, their disclosures,
    /// and their outbox records. Returns how many cases went; harmless to repeat.
    func erase(subjectId: String) async throws -> Int

    /// Events decided but not yet confirmed by Kafka, oldest first.
    func pendingOutbox(limit: Int) async throws -> [OutboxEvent]

    /// Forgets outbox events Kafka acknowledged.
    func removeFromOutbox(_ eventIds: [String]) async throws

    /// The person's current (newest) case.
    func caseRecord(subjectId: String) async throws -> CaseRecord?
    /// Every case of the person, oldest first: one per detention.
    func cases(subjectId: String) async throws -> [CaseRecord]
    func tasks(caseId: UUID) async throws -> [TaskRecord]
    func notices(caseId: UUID) async throws -> [NoticeRecord]
    /// Open cases whose person was released on or before `releasedOnOrBefore`: the ones whose
    /// aftercare period may have ended.
    func openCasesReleased(onOrBefore releasedOnOrBefore: CalendarDate) async throws -> [CaseRecord]

    /// The case with its tasks and notices, as a decision would see it.
    func caseState(caseId: UUID) async throws -> CaseState?
    /// Cases with a timer that has not fired and is due at `moment`, earliest first.
    func casesWithTimersDue(at moment: Date, limit: Int) async throws -> [UUID]
    /// Recomputes when the next timer of each case is due, from its state (`nil`: every
    /// case, as at start-up; closed cases have none). Returns how many cases have one.
    @discardableResult
    func refreshTimers(caseIds: [UUID]?, _ timers: @escaping @Sendable (CaseState) -> [DueTimer]) async throws -> Int
}

extension PlanningStore {
    /// Applies one input for the subject named, in a transaction of its own; throws what
    /// refused it. Returns whether the change was applied (false: it was applied before).
    @discardableResult
    public func apply(eventId: String, subjectId: String,
                      _ decide: @escaping @Sendable (CaseState?) throws -> PlanningChange) async throws -> Bool {
        let input = PlanningInput(eventId: eventId, owner: .subject(subjectId)) { _, state in try decide(state) }
        switch try await apply([input]).first {
        case .applied, .ignored: return true
        case .alreadyApplied, nil: return false
        case .refused(let refusal): throw refusal
        }
    }
}
