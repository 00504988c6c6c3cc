import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// The only door for PI desks: `POST /v1/notices` validates a notice, derives the subject
/// pseudonym, checks it against the notices taken in before (``NoticeStore``), and answers
/// 202 only after Kafka acknowledged the event.
public enum IntakeService {
    public static let source = "/nazorg-hub/intake"
    /// How long a desk waits at most for Kafka's acknowledgement before it gets a 503
    /// (`Contracts/openapi/intake.yaml` promises it).
    public static let defaultAcknowledgementDeadline: Duration = .seconds(5)

    /// The notice store's file in the data directory.
    public static let storeFile = "intake.sqlite"

    /// Assembles the intake service: the notice store (`intake.sqlite` in the data
    /// directory), a producer and the HTTP API.
    ///
    /// - Parameter acknowledgementDeadline: the longest a request waits for Kafka's
    ///   acknowledgement before intake answers 503; the send goes on in the background.
    public static func make(options: ServiceOptions, pseudonymizer: SubjectPseudonymizer, logger: Logger,
                            acknowledgementDeadline: Duration = defaultAcknowledgementDeadline) throws -> ServiceAssembly {
        try ConfigurationError.requireDutchTime()
        var kafka = options.kafka
        // Bounds the background send after a desk got its 503: an unreachable cluster fails
        // the records after 5 s instead of 30 s (the answer itself is bounded by the deadline).
        if kafka.properties["message.timeout.ms"] == nil { kafka.properties["message.timeout.ms"] = "5000" }
        let (tracer, tracing) = try options.makeTracer(for: "intake", logger: logger)
        let store = try SQLiteNoticeStore(path: options.dataFile(storeFile))
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let publisher = options.publisher(producer, source: source)
        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        if options.callers == nil { logger.warning("intake API runs without authentication: every caller may submit") }
        addRoutes(to: router, publisher: publisher, store: store, pseudonymizer: pseudonymizer, callers: options.callers,
                  logger: logger, acknowledgementDeadline: acknowledgementDeadline)
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        // Intake reads one thing: erasures, to forget the person's notices.
        let erasures = try KafkaConsumer(configuration: options.kafka,
                                         options: ConsumerOptions(groupID: options.group("intake"), topics: [Topics.consentEvents]),
                                         logger: logger)
        return ServiceAssembly(name: "intake", endpoint: endpoint, services: tracing + [
            ProducerLifecycleService(producer: producer, writes: { [Topics.intakeNotices, Topics.consentEvents].contains($0) }, logger: logger),
            EventConsumerService(name: "intake", consumer: erasures,
                                 deadLetters: DeadLetterWriter(producer: producer, service: "intake"), logger: logger,
                                 tracer: tracer, keys: options.subjectKeys) { event in
                try await forget(event, in: store, logger: logger)
            },
            endpoint.application(router: router, name: "nazorg-intake", logger: logger, service: "intake", tracer: tracer),
        ])
    }

    /// On a ``SubjectErased``, forgets the person's notices (``NoticeStore/erase(subjectId:)``);
    /// every other consent event is not intake's.
    static func forget(_ event: ReceivedEvent, in store: any NoticeStore, logger: Logger) async throws {
        guard event.envelope.type == .subjectErased else { return }
        let erasure = try event.decode(SubjectErased.self)
        let notices = try await store.erase(subjectId: erasure.subjectId)
        logger.info("intake forgot an erased person's notices", metadata: [
            "erasure.id": .string(erasure.erasureId), "erasure.notices": "\(notices)",
        ])
    }

    /// Adds `POST /v1/notices`. `now` is the hub's clock: it stamps the events and bounds
    /// the plausible dates.
    static func addRoutes(to router: Router<BasicRequestContext>, publisher: EventPublisher, store: any NoticeStore,
                          pseudonymizer: SubjectPseudonymizer, callers: CallerTokens? = nil, logger: Logger,
                          acknowledgementDeadline: Duration = defaultAcknowledgementDeadline,
                          now: @escaping @Sendable () -> Date = Date.init) {
        let route = NoticeRoute(publisher: publisher, store: store, pseudonymizer: pseudonymizer, callers: callers,
                                logger: logger, acknowledgementDeadline: acknowledgementDeadline, now: now)
        router.post("/v1/notices") { request, _ in try await route.submit(request) }
    }

    /// The records one notice becomes: a ConsentGiven per consented basisvoorwaarde, then
    /// the notice itself. Ids derive from the notice id, so a resubmission repeats them.
    ///
    /// A consent counts from `now`, when the hub received it, never from the desk's
    /// `reportedAt`: the filter orders consent statements by that time, so a desk's clock
    /// must not be able to put a consent after a later withdrawal.
    static func records(for notice: IntakeNotice, publisher: EventPublisher, trace: TraceParent,
                        now: Date) throws -> (eventId: String, records: [ProducerRecord]) {
        let subject = notice.subjectId
        var records: [ProducerRecord] = []
        if case .detentionPlanShared(let plan) = notice {
            for domain in plan.consents {
                let consentId = DeterministicID.string("consent", plan.noticeId, domain.rawValue)
                let consent = ConsentGiven(consentId: consentId, subjectId: subject, domain: domain,
                                           givenAt: now, sourceNoticeId: plan.noticeId)
                records.append(try publisher.record(consent, topic: Topics.consentEvents, key: subject, id: consentId,
                                                    subject: subject, trace: trace, time: now))
            }
        }
        let eventId = eventId(for: notice)
        records.append(try record(notice.payload, publisher: publisher, eventId: eventId, subject: subject, trace: trace, now: now))
        return (eventId, records)
    }

    /// The notice's event id. Scoped to the prison and the person: another desk reusing a
    /// notice id gets its own event.
    static func eventId(for notice: IntakeNotice) -> String {
        DeterministicID.string("notice", notice.prisonCode, notice.noticeId, notice.eventType.rawValue, notice.subjectId)
    }

    private static func record<P: EventPayload>(_ payload: P, publisher: EventPublisher, eventId: String, subject: String,
                                                trace: TraceParent, now: Date) throws -> ProducerRecord {
        try publisher.record(payload, topic: Topics.intakeNotices, key: subject, id: eventId, subject: subject, trace: trace, time: now)
    }
}
