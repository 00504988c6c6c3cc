import Foundation

/// What the store's knowledge makes of a notice about to be published.
public enum NoticeClaim: Sendable, Equatable {
    /// Not seen before; now stored as unconfirmed. Publish it, then mark it published.
    case new(NoticeRecord)
    /// Seen with the same content, but Kafka's acknowledgement was never recorded (a crash,
    /// a 503): publish it again as the stored record says (same event id and receipt time;
    /// consumers deduplicate), then answer as stored.
    case unconfirmed(NoticeRecord)
    /// Seen with the same content and published: answer as stored, publish nothing.
    case published(NoticeRecord)
    /// The key was used for a notice with other content (the stored one).
    case conflict(NoticeRecord)
    /// A correction that cannot be accepted.
    case refused(CorrectionRefusal)
    /// The key was used for a notice about a person who has since been erased (art. 17):
    /// nothing of it is kept, and it is not taken in again.
    case erased

    /// The decision, from the stored notice under the same key (`existing`) and, for a
    /// correction, the stored notice under the key it names (`corrected`). Pure, so every
    /// store decides alike.
    public static func decide(_ incoming: NoticeRecord, existing: NoticeRecord?, corrected: NoticeRecord?) -> NoticeClaim {
        if let existing {
            guard existing.fingerprint == incoming.fingerprint else { return .conflict(existing) }
            return existing.published ? .published(existing) : .unconfirmed(existing)
        }
        guard let target = incoming.correctsNoticeId else { return .new(incoming) }
        if target == incoming.noticeId { return .refused(CorrectionRefusal(.correctsItself)) }
        guard let corrected else { return .refused(CorrectionRefusal(.unknownNotice)) }
        guard corrected.eventType == incoming.eventType else { return .refused(CorrectionRefusal(.otherType)) }
        guard corrected.subjectId == incoming.subjectId else { return .refused(CorrectionRefusal(.otherPerson)) }
        guard corrected.correctedBy == nil else { return .refused(CorrectionRefusal(.alreadyCorrected)) }
        return .new(incoming)
    }
}

/// Why a correction (`correctsNoticeId`) was refused; never names the values involved.
public struct CorrectionRefusal: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case correctsItself = "corrects-itself"
        case unknownNotice = "unknown-notice"
        case otherType = "other-type"
        case otherPerson = "other-person"
        /// Another notice corrected it already: the correction must name the latest version,
        /// so that every notice is replaced at most once and the versions form one chain.
        case alreadyCorrected = "already-corrected"
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    /// 409 when the correction is valid in itself but collides with another one; else 422.
    public var isConflict: Bool { code == .alreadyCorrected }

    /// What is wrong with `correctsNoticeId`, as a desk can act on it.
    public var detail: String {
        switch code {
        case .correctsItself: return "must name another notice than noticeId"
        case .unknownNotice: return "must name a notice this PI sent before"
        case .otherType: return "must name a notice of the same type"
        case .otherPerson: return "must name a notice about the same person"
        case .alreadyCorrected: return "names a notice that another notice corrected already; correct the latest correction instead"
        }
    }
}
