import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// `POST /v1/notices`, step by step: who calls (401), is it JSON (415), may this caller
/// submit for the prison the body names (403), is the notice valid (400), and did Kafka
/// acknowledge it in time (202, else 503).
///
/// The scope is checked on `prisonCode` alone, before any other field is looked at, so a
/// caller learns nothing about a notice for a prison it may not submit for.
struct NoticeRoute: Sendable {
    static let maximumBodySize = 256 * 1024
    /// Seconds a desk should wait before sending a notice again after a 503.
    static let retryAfterSeconds = 5

    let publisher: EventPublisher
    let pseudonymizer: SubjectPseudonymizer
    let callers: CallerTokens?
    let logger: Logger
    let acknowledgementDeadline: Duration
    let now: @Sendable () -> Date

    func submit(_ request: Request) async throws -> Response {
        let caller = try callers?.authenticate(request)
        try request.requireJSONContentType()
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        let receivedAt = now()
        let object = NoticeRequest.jsonObject(Data(buffer: body))
        if let caller, !caller.isUnscoped {
            guard let prison = NoticeRequest.declaredPrisonCode(in: object), caller.allows(prison) else {
                logger.warning("notice refused: prison outside the caller's scope", metadata: ["caller.name": .string(caller.name)])
                throw ProblemDetails.forbidden("This token may submit notices only for its own prison, named in prisonCode.")
            }
        }
        let parsed: NoticeRequest
        do {
            parsed = try NoticeRequest.parse(object: object, now: receivedAt)
        } catch {
            logger.info("notice rejected", metadata: ["notice.problems": "\(error.problems.count)"])
            throw ProblemDetails.invalidRequest(error.problems.map { .init(field: $0.pointer, detail: $0.detail) })
        }
        let notice = parsed.notice(subjectId: pseudonymizer.pseudonym(forBSN: parsed.person.bsn), reportedAt: receivedAt)
        let trace = request.continuedTrace
        let (eventId, records) = try IntakeService.records(for: notice, publisher: publisher, trace: trace, now: receivedAt)
        try await publish(records, eventId: eventId)
        logger.info("notice accepted", metadata: [
            "event.id": .string(eventId), "event.type": .string(notice.eventType.rawValue),
            "trace.id": .string(trace.traceID),
        ])
        return Response(status: .accepted, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"eventId":"\#(eventId)"}"#)))
    }

    /// Waits for Kafka's acknowledgement at most `acknowledgementDeadline`. The send is not
    /// cancelled when the deadline passes (the producer's wait cannot be): it finishes in the
    /// background, and a late success is harmless because the event ids are deterministic and
    /// consumers deduplicate, so the desk's retry after the 503 is safe either way.
    private func publish(_ records: [ProducerRecord], eventId: String) async throws {
        let publisher = self.publisher
        let logger = self.logger
        do {
            try await AnswerDeadline.run(within: acknowledgementDeadline) {
                do {
                    try await publisher.publish(records)
                } catch {
                    logger.warning("notice not stored: kafka unavailable", metadata: [
                        "event.id": .string(eventId), "error": .string(error.loggable),
                    ])
                    throw error
                }
            }
        } catch let error as DeadlineExceeded {
            logger.warning("notice not acknowledged in time: answered 503, the send goes on", metadata: [
                "event.id": .string(eventId), "error": .string(error.description),
            ])
            throw unavailable
        } catch let error as CancellationError {
            throw error
        } catch {
            throw unavailable
        }
    }

    private var unavailable: ProblemDetails {
        .kafkaUnavailable("Kafka did not confirm the notice in time, so it was not accepted. Sending it again is safe.",
                          retryAfterSeconds: Self.retryAfterSeconds)
    }
}
