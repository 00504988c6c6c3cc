import Foundation
import NazorgContracts

/// A notice as a case remembers it: which event brought it, what it corrected, and whether
/// it was withdrawn. Tasks name the notice they came from, so a withdrawal or a correction
/// finds them.
public struct NoticeRecord: Sendable, Equatable {
    public var noticeId: String
    public var caseId: UUID
    public var type: EventType
    public var eventId: String
    /// The notice this one corrects, when it is a correction.
    public var correctsNoticeId: String?
    public var withdrawn: Bool
    public var receivedAt: Date

    public init(noticeId: String, caseId: UUID, type: EventType, eventId: String, correctsNoticeId: String? = nil,
                withdrawn: Bool = false, receivedAt: Date) {
        self.noticeId = noticeId
        self.caseId = caseId
        self.type = type
        self.eventId = eventId
        self.correctsNoticeId = correctsNoticeId
        self.withdrawn = withdrawn
        self.receivedAt = receivedAt
    }
}

/// Everything planning knows about one case: the state a decision starts from.
public struct CaseState: Sendable, Equatable {
    public var record: CaseRecord
    public var tasks: [TaskRecord]
    public var notices: [NoticeRecord]
    /// Every escalation of the case, resolved ones included.
    public var escalations: [EscalationRecord]

    public init(record: CaseRecord, tasks: [TaskRecord] = [], notices: [NoticeRecord] = [], escalations: [EscalationRecord] = []) {
        self.record = record
        self.tasks = tasks
        self.notices = notices
        self.escalations = escalations
    }

    /// The notice and every notice linked to it by corrections, either way: what a
    /// withdrawal of any of them takes back.
    public func correctionChain(of noticeId: String) -> Set<String> {
        var chain: Set<String> = [noticeId]
        var grew = true
        while grew {
            grew = false
            for notice in notices where !chain.contains(notice.noticeId) {
                if let corrected = notice.correctsNoticeId, chain.contains(corrected) {
                    chain.insert(notice.noticeId)
                    grew = true
                }
            }
            for notice in notices where chain.contains(notice.noticeId) {
                if let corrected = notice.correctsNoticeId, chain.insert(corrected).inserted { grew = true }
            }
        }
        return chain
    }
}
