import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// The consent-and-purpose filter as a runnable service.
public enum FilterService {
    public static let source = "/nazorg-hub/filter"

    /// `consentGrace`: how long a task may wait for consent before planning is told.
    public static func make(options: ServiceOptions, policies: PolicySet, partnerIDs: PartnerPseudonymizer,
                            consentGrace: Duration = .seconds(60), logger: Logger) throws -> ServiceAssembly {
        let store = try FilterStore(path: options.dataFile("filter.sqlite"))
        let (tracer, tracing) = try options.makeTracer(for: "filter", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let consumer = try KafkaConsumer(
            configuration: options.kafka,
            options: ConsumerOptions(groupID: options.group("filter"),
                                     topics: [Topics.planningCaseEvents, Topics.consentEvents, Topics.intakeNotices]),
            logger: logger)
        let engine = FilterEngine(policies: policies, store: store, publisher: EventPublisher(producer: producer, source: source),
                                  partnerIDs: partnerIDs, logger: logger, tracer: tracer)
        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        return ServiceAssembly(name: "filter", endpoint: endpoint, services: tracing + [
            ProducerLifecycleService(producer: producer),
            ParkedTaskReporter(engine: engine, grace: consentGrace, logger: logger),
            EventConsumerService(name: "filter", consumer: consumer,
                                 deadLetters: DeadLetterWriter(producer: producer, service: "filter"),
                                 logger: logger, afterDeadLetter: engine.deadLettered, tracer: tracer, handler: engine),
            endpoint.application(router: router, name: "nazorg-filter", logger: logger, service: "filter", tracer: tracer),
        ])
    }
}
