import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// The only door for PI desks: `POST /v1/notices` validates a notice, derives the subject
/// pseudonym, and answers 202 only after Kafka acknowledged the event.
public enum IntakeService {
    public static let source = "/nazorg-hub/intake"

    /// Assembles the intake service: a producer and the HTTP API.
    public static func make(options: ServiceOptions, pseudonymizer: SubjectPseudonymizer, logger: Logger) throws -> ServiceAssembly {
        var kafka = options.kafka
        // A desk waits for the answer: give up on an unreachable cluster after 5 s, not 30 s.
        if kafka.properties["message.timeout.ms"] == nil { kafka.properties["message.timeout.ms"] = "5000" }
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let publisher = EventPublisher(producer: producer, source: source)
        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        if options.callers == nil { logger.warning("intake API runs without authentication: every caller may submit") }
        addRoutes(to: router, publisher: publisher, pseudonymizer: pseudonymizer, callers: options.callers, logger: logger)
        let endpoint = HTTPEndpoint(host: options.host, port: options.port)
        return ServiceAssembly(name: "intake", endpoint: endpoint, services: [
            ProducerLifecycleService(producer: producer),
            endpoint.application(router: router, name: "nazorg-intake", logger: logger),
        ])
    }

    static func addRoutes(to router: Router<BasicRequestContext>, publisher: EventPublisher,
                          pseudonymizer: SubjectPseudonymizer, callers: CallerTokens? = nil, logger: Logger) {
        let amsterdam = TimeZone(identifier: "Europe/Amsterdam") ?? .gmt
        router.post("/v1/notices") { request, context -> Response in
            let caller = try callers?.authenticate(request)
            let body = try await request.body.collect(upTo: 256 * 1024)
            let now = Date()
            let parsed: NoticeRequest
            do {
                parsed = try NoticeRequest.parse(Data(buffer: body), today: CalendarDate(now, in: amsterdam))
            } catch let error as NoticeValidationError {
                logger.info("notice rejected", metadata: ["notice.problems": "\(error.problems.count)"])
                throw ProblemDetails.invalidRequest(error.problems.map { .init(field: $0.pointer, detail: $0.detail) })
            }
            // A desk submits only for its own prison.
            if let caller, !caller.allows(parsed.prisonCode) {
                logger.warning("notice refused: prison outside the caller's scope", metadata: ["caller.name": .string(caller.name)])
                throw ProblemDetails.forbidden("This token may not submit notices for that prison.")
            }
            let notice = parsed.notice(subjectId: pseudonymizer.pseudonym(forBSN: parsed.person.bsn), reportedAt: now)
            let trace = request.continuedTrace
            let (eventId, records) = try records(for: notice, publisher: publisher, trace: trace, now: now)
            do {
                try await publisher.publish(records)
            } catch {
                logger.warning("notice not stored: kafka unavailable", metadata: [
                    "event.id": .string(eventId), "error": .string(error.loggable),
                ])
                throw ProblemDetails.kafkaUnavailable(
                    "Kafka did not confirm the notice, so it was not accepted. Sending it again is safe.", retryAfterSeconds: 5)
            }
            logger.info("notice accepted", metadata: [
                "event.id": .string(eventId), "event.type": .string(notice.eventType.rawValue),
                "trace.id": .string(trace.traceID),
            ])
            return Response(status: .accepted, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"eventId":"\#(eventId)"}"#)))
        }
    }

    /// The records one notice becomes: a ConsentGiven per consented basisvoorwaarde, then
    /// the notice itself. Ids derive from the notice id, so a resubmission repeats them.
    static func records(for notice: IntakeNotice, publisher: EventPublisher, trace: TraceParent,
                        now: Date) throws -> (eventId: String, records: [ProducerRecord]) {
        let subject = notice.subjectId
        var records: [ProducerRecord] = []
        if case .detentionPlanShared(let plan) = notice {
            for domain in plan.consents {
                let consentId = DeterministicID.string("consent", plan.noticeId, domain.rawValue)
                let consent = ConsentGiven(consentId: consentId, subjectId: subject, domain: domain,
                                           givenAt: plan.reportedAt, sourceNoticeId: plan.noticeId)
                records.append(try publisher.record(consent, topic: Topics.consentEvents, key: subject, id: consentId,
                                                    subject: subject, trace: trace, time: now))
            }
        }
        // Scoped to the prison and the person: another desk reusing a notice id gets its own event.
        let eventId = DeterministicID.string("notice", notice.prisonCode, notice.noticeId, notice.eventType.rawValue, subject)
        records.append(try record(notice.payload, publisher: publisher, eventId: eventId, subject: subject, trace: trace, now: now))
        return (eventId, records)
    }

    private static func record<P: EventPayload>(_ payload: P, publisher: EventPublisher, eventId: String, subject: String,
                                                trace: TraceParent, now: Date) throws -> ProducerRecord {
        try publisher.record(payload, topic: Topics.intakeNotices, key: subject, id: eventId, subject: subject, trace: trace, time: now)
    }
}
