import Foundation
import NazorgContracts
import NazorgRuntime

/// A case as planning keeps it.
public struct CaseRecord: Sendable, Equatable {
    public var caseId: UUID
    public var subjectId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var expectedReleaseDate: CalendarDate?
    public var status: String
    public var openedAt: Date
}

/// A task as planning keeps it. `status` is `assigned` until the partner answers.
public struct TaskRecord: Sendable, Equatable {
    public var taskId: String
    public var caseId: UUID
    public var subjectId: String
    public var domain: Domain
    public var partnerId: String
    public var partnerRole: PartnerRole
    public var status: String
    public var deadline: CalendarDate
}

/// What one input changes: rows to write and events to publish, applied atomically.
public struct PlanningChange: Sendable {
    public var upsertCase: CaseRecord?
    public var upsertTasks: [TaskRecord] = []
    public var outbox: [OutboxEvent] = []

    public init(upsertCase: CaseRecord? = nil, upsertTasks: [TaskRecord] = [], outbox: [OutboxEvent] = []) {
        self.upsertCase = upsertCase
        self.upsertTasks = upsertTasks
        self.outbox = outbox
    }
}

/// One input to apply: an event, whose state it concerns, and the decision to take on it.
public struct PlanningInput: Sendable {
    /// Whose case an input concerns.
    public enum Owner: Sendable {
        /// A notice names its person.
        case subject(String)
        /// A partner's report names only its task: the person is whoever the task belongs to.
        case ownerOfTask(String)
    }

    public typealias Decide = @Sendable (_ subjectId: String, CaseRecord?, [TaskRecord]) throws -> PlanningChange

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

    /// Events decided but not yet confirmed by Kafka, oldest first.
    func pendingOutbox(limit: Int) async throws -> [OutboxEvent]

    /// Forgets outbox events Kafka acknowledged.
    func removeFromOutbox(_ eventIds: [String]) async throws

    func caseRecord(subjectId: String) async throws -> CaseRecord?
    func tasks(caseId: UUID) async throws -> [TaskRecord]
}

extension PlanningStore {
    /// Applies one input for the subject named, in a transaction of its own; throws what
    /// refused it. Returns whether the change was applied (false: it was applied before).
    @discardableResult
    public func apply(eventId: String, subjectId: String,
                      _ decide: @escaping @Sendable (CaseRecord?, [TaskRecord]) throws -> PlanningChange) async throws -> Bool {
        let input = PlanningInput(eventId: eventId, owner: .subject(subjectId)) { _, existing, tasks in try decide(existing, tasks) }
        switch try await apply([input]).first {
        case .applied: return true
        case .alreadyApplied, nil: return false
        case .refused(let refusal): throw refusal
        }
    }
}
