import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// Handles one record of a partner's task topic: remember the offer, then deliver it.
///
/// The offer is recorded before the webhook is called, so a partner that answers at once
/// with a status finds its task. Recording and delivery are both idempotent on the offerId,
/// so a redelivered record does no harm.
struct OfferDeliveryHandler: Sendable {
    let partnerId: String
    let deliverer: WebhookDeliverer
    let store: any OfferStore
    let publisher: EventPublisher
    let logger: Logger
    let backoff: RetryBackoff
    let now: @Sendable () -> Date

    func handle(_ event: ReceivedEvent) async throws {
        let offer = try event.decode(TaskOffered.self)
        guard offer.partnerId == partnerId else {
            throw PoisonEvent(reason: "partner-mismatch", detail: "the offer names another partner than its topic")
        }
        // A record read again after a crash or a rebalance: when the partner already has it,
        // posting it again only costs the partner work.
        let known = try await store.offer(id: offer.offerId)
        if known?.deliveredAt != nil {
            HubMetrics.webhookDelivery(partner: partnerId, outcome: .skipped)
            logger.debug("offer already delivered; skipped", metadata: [
                "partner.id": .string(partnerId), "offer.id": .string(offer.offerId),
            ])
            return
        }
        // Restarted during a back-off: wait out the rest of it before calling the partner again.
        if let next = known?.nextAttemptAt, next > now() {
            throw DeliveryNotDue(retryAfter: .milliseconds(Int64(next.timeIntervalSince(now()) * 1000)))
        }

        try await store.record(OfferRecord(
            offerId: offer.offerId, taskId: offer.taskId, partnerId: partnerId, domain: offer.domain,
            traceparent: event.envelope.traceparent.description, offeredAt: now()))

        do {
            try await deliverer.deliver(event, idempotencyKey: offer.offerId)
        } catch let error as WebhookDeliveryError {
            logger.warning("webhook delivery failed", metadata: [
                "partner.id": .string(partnerId), "offer.id": .string(offer.offerId),
                "delivery.error": .string(error.code.rawValue), "http.status": "\(error.statusCode ?? 0)",
            ])
            // The next try waits for the back-off of this offer's failures so far, or for the
            // partner's Retry-After if longer; kept in the store, so a restart waits too. The
            // consumer keeps polling meanwhile (its partitions paused).
            let failures = (known?.failedAttempts ?? 0) + 1
            let wait = max(backoff.wait(afterFailures: failures), error.retryAfter ?? .zero)
            let next = now().addingTimeInterval(Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            _ = try await store.recordFailedAttempt(offerId: offer.offerId, nextAttemptAt: next)
            throw DeliveryNotDue(retryAfter: wait, cause: error)
        } catch let error as PoisonEvent {
            logger.warning("webhook refused offer", metadata: [
                "partner.id": .string(partnerId), "offer.id": .string(offer.offerId), "refusal.detail": .string(error.detail),
            ])
            throw error
        }

        try await store.markDelivered(offerId: offer.offerId, at: now())
        logger.info("webhook delivered offer", metadata: [
            "partner.id": .string(partnerId), "offer.id": .string(offer.offerId), "task.id": .string(offer.taskId),
        ])
    }

    /// Called after an offer went to the dead letters (refused for good by the partner, or
    /// unreadable): planning hears that the task did not reach the partner.
    @Sendable func deadLettered(_ record: ConsumerRecord, reason: String) async throws {
        guard let envelope = try? EventEnvelope(headers: record.headers), envelope.type == .taskOffered,
              let offer = try? TaskOffered.decodedJSON(Data(record.value)), offer.partnerId == partnerId else { return }
        let report = TaskStatusChanged(taskId: offer.taskId, partnerId: partnerId, domain: offer.domain, status: .undeliverable,
                                       reason: reason == "partner-rejected" ? HubReason.partnerRefused : HubReason.deadLettered,
                                       changedAt: now())
        try await publisher.publishTaskStatus(report, id: EventPublisher.hubStatusID(causedBy: envelope.id, .undeliverable),
                                              trace: envelope.traceparent.child())
    }
}
