import Foundation
import NazorgContracts

/// What intake remembers of every notice it took in, keyed by PI and `noticeId`, so that a
/// resubmission is answered as before, another notice under a used `noticeId` is refused
/// (409), and a correction can be checked against the notice it replaces.
///
/// Implementations decide with ``NoticeClaim/decide(_:existing:corrected:)`` inside one
/// transaction, so two requests racing for the same key or correcting the same notice see
/// each other: SQLite by its single writer, a PostgreSQL store by row locks.
public protocol NoticeStore: Sendable {
    /// Looks `notice` up by ``NoticeRecord/prisonCode`` and ``NoticeRecord/noticeId`` (and,
    /// for a correction, the notice it corrects), decides, and stores it as unconfirmed when
    /// the claim is ``NoticeClaim/new(_:)``.
    func claim(_ notice: NoticeRecord) async throws -> NoticeClaim

    /// Marks a claimed notice as acknowledged by Kafka: a resubmission is then answered
    /// from the store without publishing again.
    func markPublished(prisonCode: String, noticeId: String) async throws

    /// The stored notice, if any.
    func notice(prisonCode: String, noticeId: String) async throws -> NoticeRecord?
    /// Forgets every notice about a person (art. 17), keeping only each one's PI and
    /// noticeId, so a resubmission is refused rather than taken in anew. Returns how many.
    func erase(subjectId: String) async throws -> Int
}

/// A notice as the store keeps it: no personal data beyond the subject pseudonym, which a
/// correction needs to be checked against the notice it replaces.
public struct NoticeRecord: Sendable, Equatable {
    public var prisonCode: String
    public var noticeId: String
    /// ``NoticeFingerprint`` of the validated content.
    public var fingerprint: String
    public var eventId: String
    public var eventType: EventType
    public var subjectId: String
    public var correctsNoticeId: String?
    /// The `noticeId` of the notice that corrected this one, once one did.
    public var correctedBy: String?
    /// The hub's receipt time of the first submission: the records are stamped with it, so a
    /// notice published again is the same event.
    public var receivedAt: Date
    /// What intake answered (or will answer once Kafka acknowledged).
    public var answer: NoticeAnswer
    /// Kafka acknowledged the notice's records.
    public var published: Bool

    public init(prisonCode: String, noticeId: String, fingerprint: String, eventId: String, eventType: EventType,
                subjectId: String, correctsNoticeId: String?, correctedBy: String? = nil, receivedAt: Date,
                answer: NoticeAnswer, published: Bool = false) {
        self.prisonCode = prisonCode
        self.noticeId = noticeId
        self.fingerprint = fingerprint
        self.eventId = eventId
        self.eventType = eventType
        self.subjectId = subjectId
        self.correctsNoticeId = correctsNoticeId
        self.correctedBy = correctedBy
        self.receivedAt = receivedAt
        self.answer = answer
        self.published = published
    }
}

/// An HTTP answer as stored: its status and JSON body.
public struct NoticeAnswer: Sendable, Equatable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    /// 202 with the event id.
    public static func accepted(eventId: String) -> NoticeAnswer {
        NoticeAnswer(status: 202, body: #"{"eventId":"\#(eventId)"}"#)
    }
}
