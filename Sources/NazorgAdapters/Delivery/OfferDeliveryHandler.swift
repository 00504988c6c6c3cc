import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// Handles one record of a partner's task topic (an offer, an update, a cancellation or a
/// retraction): remember the message, then deliver it.
///
/// The message is recorded before the webhook is called, so a partner that answers at once
/// with a status finds its task. Recording and delivery are both idempotent on the
/// message's id, so a redelivered record does no harm. Messages about one person share the
/// record key and so the partition, which the consumer works through one record at a time,
/// retrying a record until it is delivered or dead-lettered: an update never overtakes the
/// offer it updates.
struct OfferDeliveryHandler: Sendable {
    let partnerId: String
    let deliverer: WebhookDeliverer
    let store: any OfferStore
    let publisher: EventPublisher
    let logger: Logger
    let backoff: RetryBackoff
    let now: @Sendable () -> Date

    func handle(_ event: ReceivedEvent) async throws {
        let message = try PartnerMessage(event)
        guard message.partnerId == partnerId else {
            throw PoisonEvent(reason: "partner-mismatch", detail: "the message names another partner than its topic")
        }
        let metadata: Logger.Metadata = ["partner.id": .string(partnerId), "message.id": .string(message.id),
                                         "message.type": .string(message.kind.rawValue)]
        // A record read again after a crash or a rebalance: when the partner already has it,
        // posting it again only costs the partner work.
        let known = try await store.offer(id: message.id)
        if known?.deliveredAt != nil {
            HubMetrics.webhookDelivery(partner: partnerId, outcome: .skipped)
            logger.debug("message already delivered; skipped", metadata: metadata)
            return
        }
        // Restarted during a back-off: wait out the rest of it before calling the partner again.
        if let next = known?.nextAttemptAt, next > now() {
            throw DeliveryNotDue(retryAfter: .milliseconds(Int64(next.timeIntervalSince(now()) * 1000)))
        }

        try await store.record(OfferRecord(
            offerId: message.id, kind: message.kind, taskId: message.taskId, partnerId: partnerId, domain: message.domain,
            traceparent: event.envelope.traceparent.description, offeredAt: now()))

        do {
            try await deliverer.deliver(event, idempotencyKey: message.id)
        } catch let error as WebhookDeliveryError {
            logger.warning("webhook delivery failed", metadata: metadata.merging([
                "delivery.error": .string(error.code.rawValue), "http.status": "\(error.statusCode ?? 0)",
            ], uniquingKeysWith: { $1 }))
            // The next try waits for the back-off of this message's failures so far, or for
            // the partner's Retry-After if longer; kept in the store, so a restart waits too.
            // The consumer keeps polling meanwhile (its partitions paused).
            let failures = (known?.failedAttempts ?? 0) + 1
            let wait = max(backoff.wait(afterFailures: failures), error.retryAfter ?? .zero)
            let next = now().addingTimeInterval(Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            _ = try await store.recordFailedAttempt(offerId: message.id, nextAttemptAt: next)
            throw DeliveryNotDue(retryAfter: wait, cause: error)
        } catch let error as PoisonEvent {
            logger.warning("webhook refused message", metadata: metadata.merging([
                "refusal.detail": .string(error.detail),
            ], uniquingKeysWith: { $1 }))
            throw error
        }

        try await store.markDelivered(offerId: message.id, at: now())
        logger.info("webhook delivered message", metadata: metadata.merging([
            "task.id": .string(message.taskId),
        ], uniquingKeysWith: { $1 }))
    }

    /// Called after a message went to the dead letters (refused for good by the partner, or
    /// unreadable): planning hears that the task's message did not reach the partner, be it
    /// the offer, an update, a cancellation or a retraction.
    @Sendable func deadLettered(_ record: ConsumerRecord, reason: String) async throws {
        guard let event = try? ReceivedEvent(record: record), let message = try? PartnerMessage(event),
              message.partnerId == partnerId else { return }
        var domain = message.domain
        if domain == nil { domain = try await store.offer(partnerId: partnerId, taskId: message.taskId)?.domain }
        let report = TaskStatusChanged(taskId: message.taskId, partnerId: partnerId, domain: domain, status: .undeliverable,
                                       reason: reason == "partner-rejected" ? HubReason.partnerRefused : HubReason.deadLettered,
                                       changedAt: now())
        logger.error("partner message dead-lettered; reported undeliverable", metadata: [
            "partner.id": .string(partnerId), "message.type": .string(message.kind.rawValue), "dead_letter.reason": .string(reason),
        ])
        try await publisher.publishTaskStatus(report, id: EventPublisher.hubStatusID(causedBy: event.envelope.id, .undeliverable),
                                              trace: event.envelope.traceparent.child())
    }
}
