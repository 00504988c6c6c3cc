import Foundation
import NazorgContracts

/// One message the filter sent a partner about a task, as the filter remembers it: enough
/// to tell later whether a partner holds the task (so only it hears of a change or an end),
/// and to list for a possible data breach who received what about a case. The disclosure
/// log on Kafka is the record of account; this is the filter's own index of it.
public struct DisclosureMemory: Sendable, Equatable {
    public var disclosureId: String
    /// The partner-facing type sent: TaskOffered, TaskUpdated, TaskCancelled or TaskRetracted.
    public var kind: EventType
    public var taskId: String
    public var partnerId: String
    public var role: PartnerRole
    public var caseId: UUID
    public var subjectId: String
    /// The task's basisvoorwaarde (nil for a task about none, and in rows stored before v6).
    public var domain: Domain?
    /// The legal basis the message was sent on (nil in rows stored before v6): a withdrawal
    /// of consent retracts what went on consent.
    public var legalBasis: DisclosureLogged.LegalBasis?
    public var sourceEventId: String
    public var sourceEventType: EventType
    public var disclosedFields: [String]
    public var disclosedAt: Date
    /// A retraction asking deletion was sent for the task.
    public var retracted: Bool
    /// The processing activity (art. 30 register) and its purpose, as the policy named them
    /// (nil in rows stored before v8).
    public var processingActivityId: String? = nil
    public var purpose: String? = nil
    /// The policy set's version the message was decided under (nil before v8).
    public var policyVersion: String? = nil
    /// How disclosed fields were changed on the way (pseudonymised, generalised).
    public var transformations: [String: DisclosureLogged.Transformation] = [:]

    /// Whether it gave the partner data about the person (an offer or an update), as
    /// opposed to telling it to stop or delete.
    public var carriesData: Bool { kind == .taskOffered || kind == .taskUpdated }
}

/// What the filter's messages to one partner about one task add up to.
struct TaskHistory: Sendable {
    var offered = false
    var cancelled = false
    var retracted = false

    /// Folds the messages in the order they were sent; an offer made again (the task was
    /// assigned anew) opens the task again.
    init(_ memories: [DisclosureMemory]) {
        let rank: [EventType: Int] = [.taskOffered: 0, .taskUpdated: 1, .taskCancelled: 2, .taskRetracted: 3]
        let ordered = memories.sorted { ($0.disclosedAt, rank[$0.kind] ?? 9) < ($1.disclosedAt, rank[$1.kind] ?? 9) }
        for memory in ordered {
            switch memory.kind {
            case .taskOffered: (offered, cancelled, retracted) = (true, false, false)
            case .taskCancelled: cancelled = true
            case .taskRetracted: retracted = true
            default: break
            }
        }
    }

    /// The partner holds the task and was not told it ended.
    var isOpen: Bool { offered && !cancelled && !retracted }
}
