import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// `POST /v1/notices`, step by step: who calls (401), is it JSON (415), may this caller
/// submit for the prison the body names (403), is the notice valid (400), is its `noticeId`
/// new, a repeat or taken by other content (409), does a correction name a notice it may
/// replace (422, or 409 when another correction got there first), and did Kafka acknowledge
/// it in time (202, else 503).
///
/// The scope is checked on `prisonCode` alone, before any other field is looked at, so a
/// caller learns nothing about a notice for a prison it may not submit for.
struct NoticeRoute: Sendable {
    static let maximumBodySize = 256 * 1024
    /// Seconds a desk should wait before sending a notice again after a 503.
    static let retryAfterSeconds = 5

    let publisher: EventPublisher
    let store: any NoticeStore
    let pseudonymizer: SubjectPseudonymizer
    let callers: CallerTokens?
    let logger: Logger
    let acknowledgementDeadline: Duration
    let now: @Sendable () -> Date
    let keys = NoticeKeyLock()

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
        let subject = pseudonymizer.pseudonym(forBSN: parsed.person.bsn)
        let notice = parsed.notice(subjectId: subject, reportedAt: receivedAt)
        let eventId = IntakeService.eventId(for: notice)
        let record = NoticeRecord(
            prisonCode: parsed.prisonCode, noticeId: parsed.noticeId,
            fingerprint: try NoticeFingerprint.of(parsed, subjectId: subject), eventId: eventId,
            eventType: notice.eventType, subjectId: subject, correctsNoticeId: parsed.correctsNoticeId,
            receivedAt: receivedAt, answer: .accepted(eventId: eventId))
        let trace = request.continuedTrace
        return try await keys.withLock("\(parsed.prisonCode)\u{1F}\(parsed.noticeId)") {
            switch try await claim(record) {
            case .published(let stored):
                logger.info("notice repeated: answered as before", metadata: [
                    "event.id": .string(stored.eventId), "event.type": .string(stored.eventType.rawValue),
                    "trace.id": .string(trace.traceID),
                ])
                return Self.response(stored.answer)
            case .conflict(let stored):
                logger.info("notice refused: noticeId used for other content", metadata: [
                    "event.id": .string(stored.eventId), "trace.id": .string(trace.traceID),
                ])
                throw ProblemDetails.noticeIdConflict
            case .erased:
                logger.info("notice refused: its person was erased", metadata: ["trace.id": .string(trace.traceID)])
                throw ProblemDetails.noticeErased
            case .refused(let refusal):
                logger.info("notice refused: correction not accepted", metadata: [
                    "correction.refusal": .string(refusal.code.rawValue), "trace.id": .string(trace.traceID),
                ])
                throw ProblemDetails.correctionRefused(refusal)
            case .new(let stored), .unconfirmed(let stored):
                // Stamped with the first receipt, so a notice published again is the same event.
                let first = parsed.notice(subjectId: subject, reportedAt: stored.receivedAt)
                let (_, records) = try IntakeService.records(for: first, publisher: publisher, trace: trace, now: stored.receivedAt)
                try await publish(records, stored: stored)
                logger.info("notice accepted", metadata: [
                    "event.id": .string(stored.eventId), "event.type": .string(stored.eventType.rawValue),
                    "trace.id": .string(trace.traceID),
                ])
                return Self.response(stored.answer)
            }
        }
    }

    private func claim(_ record: NoticeRecord) async throws -> NoticeClaim {
        do {
            return try await store.claim(record)
        } catch {
            logger.error("notice not stored: notice store unavailable", metadata: [
                "event.id": .string(record.eventId), "error": .string(error.loggable),
            ])
            throw ProblemDetails.noticeStoreUnavailable
        }
    }

    private static func response(_ answer: NoticeAnswer) -> Response {
        Response(status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }

    /// Waits for Kafka's acknowledgement at most `acknowledgementDeadline`, then records it in
    /// the store. The send is not cancelled when the deadline passes (the producer's wait
    /// cannot be): it finishes in the background and still records a late acknowledgement.
    /// Until then the notice stays unconfirmed, and the desk's retry after the 503 publishes
    /// it again under the same event id, which consumers deduplicate.
    private func publish(_ records: [ProducerRecord], stored: NoticeRecord) async throws {
        let (publisher, store, logger) = (self.publisher, self.store, self.logger)
        let eventId = stored.eventId
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
                do {
                    try await store.markPublished(prisonCode: stored.prisonCode, noticeId: stored.noticeId)
                } catch {
                    // Kafka has the notice: the answer stays 202, and a resubmission publishes it
                    // once more, which is harmless.
                    logger.warning("notice published but not marked in the notice store", metadata: [
                        "event.id": .string(eventId), "error": .string(error.loggable),
                    ])
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
