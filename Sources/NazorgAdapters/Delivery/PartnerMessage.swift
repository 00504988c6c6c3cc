import NazorgContracts
import NazorgRuntime

/// What the adapters need of any message on a partner's topic: its id (the Idempotency-Key),
/// its kind, the task and the partner it names. The body itself goes to the partner unchanged.
struct PartnerMessage: Sendable, Equatable {
    var id: String
    var kind: EventType
    var taskId: String
    var partnerId: String
    var domain: Domain?

    /// Reads the message of a partner-topic record; anything but the four partner-facing
    /// types is poison.
    init(_ event: ReceivedEvent) throws {
        kind = event.envelope.type
        switch kind {
        case .taskOffered:
            let offer = try event.decode(TaskOffered.self)
            (id, taskId, partnerId, domain) = (offer.offerId, offer.taskId, offer.partnerId, offer.domain)
        case .taskUpdated:
            let update = try event.decode(TaskUpdated.self)
            (id, taskId, partnerId, domain) = (update.updateId, update.taskId, update.partnerId, update.domain)
        case .taskCancelled:
            let cancellation = try event.decode(TaskCancelled.self)
            (id, taskId, partnerId, domain) = (cancellation.cancellationId, cancellation.taskId, cancellation.partnerId,
                                               cancellation.domain)
        case .taskRetracted:
            let retraction = try event.decode(TaskRetracted.self)
            (id, taskId, partnerId, domain) = (retraction.retractionId, retraction.taskId, retraction.partnerId, nil)
        default:
            throw PoisonEvent(reason: "unexpected-type", detail: "a partner topic carries no \(kind.rawValue)")
        }
    }
}
