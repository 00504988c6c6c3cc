import Foundation

/// One line of a case's history as planning records it with the decision that made it:
/// the timeline's entry and the key that keeps it once (the event id it came with, or the
/// note id).
public struct CaseHistoryEntry: Sendable, Equatable {
    public var key: String
    public var caseId: UUID
    public var entry: TimelineEntry

    public init(key: String, caseId: UUID, entry: TimelineEntry) {
        self.key = key
        self.caseId = caseId
        self.entry = entry
    }
}
