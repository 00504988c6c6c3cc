import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// The partner-facing status API: a partner reports accepted, rejected or completed for a
/// task that was offered to it, and the adapters publish `TaskStatusChanged`.
struct StatusRoutes: Sendable {
    /// The longest `Idempotency-Key` the contract allows.
    static let maximumIdempotencyKeyLength = 128
    static let maximumBodySize = 16 * 1024

    let directory: PartnerDirectory
    let store: any OfferStore
    let publisher: EventPublisher
    /// Partner tokens, scoped to partner ids; nil leaves the API open.
    var callers: CallerTokens? = nil
    let logger: Logger
    let now: @Sendable () -> Date
    /// How long a partner waits for Kafka's acknowledgement before it gets 503 (the send goes on).
    var acknowledgementDeadline: Duration = .seconds(5)

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/partners/:partnerId/tasks/:taskId/status") { request, context in
            try await report(request: request, context: context)
        }
    }

    func report(request: Request, context: BasicRequestContext) async throws -> Response {
        let partnerId = try context.parameters.require("partnerId")
        let taskId = try context.parameters.require("taskId")
        // Path values reach logs and ids: only what the contract allows gets further.
        guard InputText.fullyMatches(partnerId, pattern: ContractPatterns.partnerId),
              InputText.fullyMatches(taskId, pattern: ContractPatterns.identifier) else {
            throw ProblemDetails.notFound("No task with this id was offered to this partner.")
        }
        // A partner reports only for itself; checked before anything about tasks is revealed.
        if let callers, !(try callers.authenticate(request).allows(partnerId)) {
            throw ProblemDetails.forbidden("This token may not report for that partner.")
        }
        // One answer for an unknown partner and for someone else's task: a partner never
        // learns which tasks exist elsewhere.
        guard directory.partner(id: partnerId) != nil, let offer = try await store.offer(partnerId: partnerId, taskId: taskId) else {
            throw ProblemDetails.notFound("No task with this id was offered to this partner.")
        }

        let idempotencyKey = request.headers[.idempotencyKey]
        if let idempotencyKey,
           !InputText.fullyMatches(idempotencyKey, pattern: #"\A[\x21-\x7E]{1,\#(Self.maximumIdempotencyKeyLength)}\z"#) {
            throw ProblemDetails(type: "urn:nazorg-hub:problem:invalid-request", title: "The request is not valid",
                                 status: .badRequest,
                                 detail: "The Idempotency-Key header must be 1 to \(Self.maximumIdempotencyKeyLength) visible ASCII characters.")
        }
        try request.requireJSONContentType()
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        let report = try StatusReport.parse(Data(buffer: body))

        // The report names the task only; planning knows whose it is.
        let event = TaskStatusChanged(taskId: taskId, partnerId: partnerId, domain: offer.domain, status: report.status,
                                      reason: report.reason, changedAt: now())
        let eventId = idempotencyKey.map { DeterministicID.string("status", partnerId, taskId, $0) }
            ?? UUID().uuidString.lowercased()
        let trace = request.headers[.traceparent].flatMap(TraceParent.init)?.child()
            ?? offer.traceparent.flatMap(TraceParent.init)?.child()
            ?? .random()
        let publisher = self.publisher
        do {
            _ = try await AnswerDeadline.run(within: acknowledgementDeadline) {
                try await publisher.publishTaskStatus(event, id: eventId, trace: trace)
            }
        } catch {
            logger.error("status event not acknowledged", metadata: [
                "partner.id": .string(partnerId), "task.id": .string(taskId), "error": .string(error.loggable),
            ])
            throw ProblemDetails.kafkaUnavailable("The status could not be stored; retry later with the same Idempotency-Key.",
                                                  retryAfterSeconds: 5)
        }
        logger.info("task status reported", metadata: [
            "partner.id": .string(partnerId), "task.id": .string(taskId), "task.status": .string(report.status.rawValue),
            "event.id": .string(eventId),
        ])
        let answer = try JSONEncoder().encode(["eventId": eventId])
        return Response(status: .accepted, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(data: answer)))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let traceparent = HTTPField.Name("traceparent")!
}
