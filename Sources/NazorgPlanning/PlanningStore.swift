import Foundation
import NazorgContracts

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

/// Planning's durable state. SQLite now; the protocol leaves room for PostgreSQL.
public protocol PlanningStore: Sendable {
    /// Runs `decide` against the current state of `subjectId` and applies its change,
    /// all in one transaction, unless `eventId` was applied before (then nothing happens).
    /// Returns whether the change was applied.
    @discardableResult
    func apply(eventId: String, subjectId: String,
               _ decide: @Sendable (CaseRecord?, [TaskRecord]) throws -> PlanningChange) async throws -> Bool

    /// Events decided but not yet confirmed by Kafka, oldest first.
    func pendingOutbox(limit: Int) async throws -> [OutboxEvent]

    /// Forgets outbox events Kafka acknowledged.
    func removeFromOutbox(_ eventIds: [String]) async throws

    func caseRecord(subjectId: String) async throws -> CaseRecord?
    func tasks(caseId: UUID) async throws -> [TaskRecord]
    /// The person a task belongs to, or nil for a task planning never assigned.
    func subjectId(ofTask taskId: String) async throws -> String?
}
