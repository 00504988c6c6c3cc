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
    let logger: Logger
    let now: @Sendable () -> Date

    func handle(_ event: ReceivedEvent) async throws {
        let offer = try event.decode(TaskOffered.self)
        guard offer.partnerId == partnerId else {
            throw PoisonEvent(reason: "partner-mismatch", detail: "the offer names another partner than its topic")
        }
        let key = event.record.key.flatMap { String(validating: $0, as: UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 }
        guard let subjectId = key ?? event.envelope.subject else {
            throw PoisonEvent(reason: "missing-subject", detail: "the record has neither a key nor a ce_subject header")
        }
        guard let caseText = event.record.headers.text(HubHeader.caseId), let caseId = UUID(uuidString: caseText) else {
            throw PoisonEvent(reason: "missing-header", detail: "the record has no valid \(HubHeader.caseId) header")
        }

        try await store.record(OfferRecord(
            offerId: offer.offerId, taskId: offer.taskId, partnerId: partnerId, domain: offer.domain,
            subjectId: subjectId, caseId: caseId, traceparent: event.envelope.traceparent.description, offeredAt: now()))

        do {
            try await deliverer.deliver(event, idempotencyKey: offer.offerId)
        } catch let error as WebhookDeliveryError {
            logger.warning("webhook delivery failed", metadata: [
                "partner.id": .string(partnerId), "offer.id": .string(offer.offerId),
                "delivery.error": .string(error.code.rawValue), "http.status": "\(error.statusCode ?? 0)",
            ])
            if let wait = error.retryAfter, wait > .zero {
                // Honour the partner's Retry-After on top of the consumer's back-off, but
                // never hold up a graceful shutdown for it.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            }
            throw error
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
}
