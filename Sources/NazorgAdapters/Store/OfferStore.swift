import Foundation
import NazorgContracts

/// What the adapters remember about one task offer: enough to check that a partner reports
/// status only for its own tasks, and to skip offers already delivered. It holds only what
/// the partner received: the adapters need no hub-internal ids, because a status report names
/// the task and planning knows whose it is.
public struct OfferRecord: Sendable, Equatable {
    public var offerId: String
    public var taskId: String
    public var partnerId: String
    /// Absent for a first-contact task.
    public var domain: Domain?
    /// The trace the partner received with the offer, so a status report continues it.
    public var traceparent: String?
    public var offeredAt: Date
    /// When the partner's webhook first answered 2xx; nil until then.
    public var deliveredAt: Date?
    /// Failed delivery attempts so far, and when the next may be made: kept with the offer so
    /// that a restart continues the back-off instead of calling the partner again at once.
    public var failedAttempts: Int = 0
    public var nextAttemptAt: Date?

    public init(offerId: String, taskId: String, partnerId: String, domain: Domain?, traceparent: String? = nil, offeredAt: Date, deliveredAt: Date? = nil) {
        self.offerId = offerId
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
    /// Records an offer; a repeat of the same offerId keeps the first record.
    func record(_ offer: OfferRecord) async throws
    /// Marks an offer delivered; a repeat keeps the first delivery time.
    func markDelivered(offerId: String, at: Date) async throws
    /// The offer with this id, or nil when it was never recorded.
    func offer(id offerId: String) async throws -> OfferRecord?
    /// The most recent offer of `taskId` to `partnerId`, or nil when it was never offered to them.
    func offer(partnerId: String, taskId: String) async throws -> OfferRecord?
    /// Counts a failed delivery attempt and sets when the next may be made; returns the
    /// failed attempts so far.
    func recordFailedAttempt(offerId: String, nextAttemptAt: Date) async throws -> Int
}
