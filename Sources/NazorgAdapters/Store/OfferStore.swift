import Foundation
import NazorgContracts

/// What the adapters remember about one message to a partner (an offer, an update, a
/// cancellation or a retraction): enough to check that a partner reports status only for
/// its own tasks and not for one it was told to drop, and to skip messages already
/// delivered. It holds only what the partner received: the adapters need no hub-internal
/// ids, because a status report names the task and planning knows whose it is.
public struct OfferRecord: Sendable, Equatable {
    /// The message's id (offerId, updateId, cancellationId or retractionId): its Idempotency-Key.
    public var offerId: String
    /// TaskOffered, TaskUpdated, TaskCancelled or TaskRetracted.
    public var kind: EventType
    public var taskId: String
    public var partnerId: String
    /// Absent for a first-contact task, and in a retraction, which names nothing but the task.
    public var domain: Domain?
    /// The trace the partner received with the message, so a status report continues it.
    public var traceparent: String?
    public var offeredAt: Date
    /// When the partner's webhook first answered 2xx; nil until then.
    public var deliveredAt: Date?
    /// Failed delivery attempts so far, and when the next may be made: kept with the message
    /// so that a restart continues the back-off instead of calling the partner again at once.
    public var failedAttempts: Int = 0
    public var nextAttemptAt: Date?

    public init(offerId: String, kind: EventType = .taskOffered, taskId: String, partnerId: String, domain: Domain?,
                traceparent: String? = nil, offeredAt: Date, deliveredAt: Date? = nil) {
        self.offerId = offerId
        self.kind = kind
        self.taskId = taskId
        self.partnerId = partnerId
        self.domain = domain
        self.traceparent = traceparent
        self.offeredAt = offeredAt
        self.deliveredAt = deliveredAt
    }
}

/// The adapters' state. A protocol so a shared database can replace SQLite when several
/// adapter instances run side by side.
public protocol OfferStore: Sendable {
    /// Records a message; a repeat of the same id keeps the first record.
    func record(_ offer: OfferRecord) async throws
    /// Marks a message delivered; a repeat keeps the first delivery time.
    func markDelivered(offerId: String, at: Date) async throws
    /// The message with this id, or nil when it was never recorded.
    func offer(id offerId: String) async throws -> OfferRecord?
    /// The most recent offer of `taskId` to `partnerId`, or nil when it was never offered to them.
    func offer(partnerId: String, taskId: String) async throws -> OfferRecord?
    /// Every message about `taskId` to `partnerId`, in the order they were received.
    func messages(partnerId: String, taskId: String) async throws -> [OfferRecord]
    /// Counts a failed delivery attempt and sets when the next may be made; returns the
    /// failed attempts so far.
    func recordFailedAttempt(offerId: String, nextAttemptAt: Date) async throws -> Int
}
