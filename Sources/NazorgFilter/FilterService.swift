import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// The consent-and-purpose filter as a runnable service.
public enum FilterService {
    public static let source = "/nazorg-hub/filter"

    /// `consentGrace`: how long a task may wait for consent before planning is told.
    /// The topics the filter writes: partners' topics, the disclosure log, status reports to
    /// planning, the monitoring feed, dead letters and (its consent API) consent events.
    static func writes(_ topic: String) -> Bool {
        [Topics.consentEvents, Topics.partnerStatus, Topics.filterDisclosures, Topics.monitoringFeed, Topics.deadLetter]
            .contains(topic) || (topic.hasPrefix("partner.") && topic.hasSuffix(".tasks.v1"))
    }

    /// `consentAPI`: who may record consent statements (`POST /v1/consents`) and ask for a
    /// person's subject access report (`GET /v1/subjects/{bsn}/disclosures`); nil: neither
    /// route is served. `policies`: the directory as read at start; the filter records it on the
    /// disclosure log before it decides anything, and looks for changes every `policyReload`
    /// (nil: never). `retention`: the store periods, applied every `retentionInterval` (nil:
    /// the store is never purged).
    public static func make(options: ServiceOptions, policies: PolicyDirectory, partnerIDs: PartnerPseudonymizer,
                            consentGrace: Duration = .seconds(60), consentAPI: ConsentAPISettings? = nil,
                            policyReload: Duration? = .seconds(5), retention: FilterRetention? = nil,
                            retentionInterval: Duration = .seconds(3600), logger: Logger) throws -> ServiceAssembly {
        let store = try FilterStore(path: options.dataFile("filter.sqlite"))
        let (tracer, tracing) = try options.makeTracer(for: "filter", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let consumer = try KafkaConsumer(
            configuration: options.kafka,
            options: ConsumerOptions(groupID: options.group("filter"),
                                     topics: [Topics.planningCaseEvents, Topics.consentEvents, Topics.intakeNotices]),
            logger: logger)
        let publisher = options.publisher(producer, source: source)
        let policyStore = PolicyStore(policies.set, logged: false)
        let engine = FilterEngine(policyStore: policyStore, store: store, publisher: publisher, partnerIDs: partnerIDs,
                                  logger: logger, tracer: tracer)
        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        if let consentAPI {
            ConsentRoute.add(to: router, publisher: publisher, store: store, settings: consentAPI, logger: logger)
            SubjectAccessRoute.add(to: router, store: store, settings: consentAPI, logger: logger)
            ErasureRoute.add(to: router, publisher: publisher, store: store, settings: consentAPI, logger: logger)
        }
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        let purger: [any Service] = retention.map {
            [RetentionPurger(store: store, keys: options.subjectKeys, retention: $0, interval: retentionInterval, logger: logger)]
        } ?? []
        return ServiceAssembly(name: "filter", endpoint: endpoint, services: tracing + purger + [
            ProducerLifecycleService(producer: producer, writes: writes, logger: logger),
            PolicyWatcher(initial: policies, store: policyStore, producer: producer, publisher: publisher,
                          interval: policyReload, logger: logger),
            ParkedTaskReporter(engine: engine, grace: consentGrace, logger: logger),
            EventConsumerService(name: "filter", consumer: consumer,
                                 deadLetters: DeadLetterWriter(producer: producer, service: "filter"),
                                 logger: logger, afterDeadLetter: engine.deadLettered, tracer: tracer,
                                 keys: options.subjectKeys, handler: engine),
            endpoint.application(router: router, name: "nazorg-filter", logger: logger, service: "filter", tracer: tracer),
        ])
    }
}
