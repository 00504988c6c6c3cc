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
    public var sourceEventId: String
    public var sourceEventType: EventType
    public var disclosedFields: [String]
    public var disclosedAt: Date
    /// A retraction asking deletion was sent for the task.
    public var retracted: Bool

    /// Whether it gave the partner data about the person (an offer or an update), as
    /// opposed to telling it to stop or delete.
    public var carriesData: Bool { kind == .taskOffered || kind == .taskUpdated }
}

/// What the filter's messages to one partner about one task add up to.
struct TaskHistory: Sendable {
    var offered = false
    var cancelled = false
    var retracted = false

    init(_ memories: [DisclosureMemory]) {
        for memory in memories {
            switch memory.kind {
            case .taskOffered: offered = true
            case .taskCancelled: cancelled = true
            case .taskRetracted: retracted = true
            default: break
            }
        }
    }

    /// The partner holds the task and was not told it ended.
    var isOpen: Bool { offered && !cancelled && !retracted }
}
