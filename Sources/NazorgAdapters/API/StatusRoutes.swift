import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// The partner-facing status API: a partner reports accepted, rejected or completed for a
/// task that was offered to it, and the adapters publish `TaskStatusChanged`. A cancelled
/// task takes no further status, a retracted one only `completed` (deletion confirmed): 409.
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
        let messages = directory.partner(id: partnerId) == nil ? [] : try await store.messages(partnerId: partnerId, taskId: taskId)
        guard let offer = messages.last(where: { $0.kind == .taskOffered }) else {
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
        try Self.requireOpen(messages, for: report)

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

extension StatusRoutes {
    /// A task the partner was told to drop takes no more status: after a cancellation none,
    /// after a retraction only `completed`, which confirms that the partner deleted what it
    /// received (the retraction asks for exactly that).
    static func requireOpen(_ messages: [OfferRecord], for report: StatusReport) throws {
        if messages.contains(where: { $0.kind == .taskRetracted }) {
            guard report.status == .completed else {
                throw ProblemDetails.taskClosed("This task was retracted: delete what you received about it and report "
                                                + "completed to confirm the deletion.")
            }
        } else if messages.contains(where: { $0.kind == .taskCancelled }) {
            throw ProblemDetails.taskClosed("This task was cancelled; it takes no further status.")
        }
    }
}

extension ProblemDetails {
    /// 409: the task was cancelled or retracted.
    static func taskClosed(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:task-closed", title: "The task is closed", status: .conflict,
                       detail: detail)
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let traceparent = HTTPField.Name("traceparent")!
}
