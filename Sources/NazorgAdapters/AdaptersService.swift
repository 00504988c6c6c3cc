import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// Tunables of the adapters service; the defaults suit production.
public struct AdapterSettings: Sendable {
    /// How long one webhook call may take before it counts as a failed attempt.
    public var webhookTimeout: Duration
    /// Attempts per offer, for errors that are neither transient nor a refusal, before it
    /// goes to the dead-letter topic. A partner that is away is retried without limit.
    public var maxAttempts: Int
    /// The wait after the first failed delivery of an offer, doubling per failure up to
    /// `maximumBackoff`. Kept per offer in the store, so a restart does not reset it.
    public var retryBackoff: Duration
    public var maximumBackoff: Duration
    /// The longest `Retry-After` honoured; longer requests are cut to this.
    public var maximumRetryAfter: Duration
    /// Offers per consumer batch; a batch is committed once all of it was delivered.
    public var maxBatchSize: Int

    public init(webhookTimeout: Duration = .seconds(10), maxAttempts: Int = 30, maximumRetryAfter: Duration = .seconds(30),
                maxBatchSize: Int = 50, retryBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(60)) {
        self.webhookTimeout = webhookTimeout
        self.retryBackoff = retryBackoff
        self.maximumBackoff = maximumBackoff
        self.maxAttempts = maxAttempts
        self.maximumRetryAfter = maximumRetryAfter
        self.maxBatchSize = maxBatchSize
    }
}

/// The adapters: the only reader of partner topics. Delivers every task offer to its
/// partner's webhook and brings partner status back onto `nazorg.partners.status.v1`.
public enum AdaptersService {
    /// The CloudEvents source of events this service produces.
    public static let source = "/nazorg-hub/adapters"

    /// Builds the service with its SQLite store at `<dataDirectory>/adapters.sqlite`.
    public static func make(options: ServiceOptions, directory: PartnerDirectory, httpClient: HTTPClient,
                            logger: Logger) throws -> ServiceAssembly {
        let store = try SQLiteOfferStore(path: try options.dataFile("adapters.sqlite"))
        return try make(options: options, directory: directory, httpClient: httpClient, store: store, logger: logger)
    }

    /// Builds the service around a given store.
    ///
    /// Every partner with a webhook gets its own consumer group member and consumer
    /// service, so a slow or unreachable partner never delays another.
    public static func make(options: ServiceOptions, directory: PartnerDirectory, httpClient: HTTPClient,
                            store: any OfferStore, settings: AdapterSettings = AdapterSettings(),
                            logger: Logger) throws -> ServiceAssembly {
        let (tracer, tracing) = try options.makeTracer(for: "adapters", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let publisher = options.publisher(producer, source: source)
        let deadLetters = DeadLetterWriter(producer: producer, service: "adapters")
        var services: [any Service] = tracing + [ProducerLifecycleService(producer: producer, writes: { [Topics.partnerStatus, Topics.deadLetter].contains($0) }, logger: logger)]

        for partner in directory.partners {
            guard let webhook = partner.webhook else {
                logger.info("partner has no webhook; its offers wait on its topic", metadata: ["partner.id": .string(partner.id)])
                continue
            }
            let consumer = try KafkaConsumer(
                configuration: options.kafka,
                options: ConsumerOptions(groupID: options.group("adapters.\(partner.id)"), topics: [Topics.partnerTasks(partner.id)],
                                         maxBatchSize: settings.maxBatchSize),
                logger: logger)
            let deliverer = WebhookDeliverer(partnerId: partner.id, url: webhook, httpClient: httpClient,
                                             timeout: settings.webhookTimeout, maximumRetryAfter: settings.maximumRetryAfter,
                                             logger: logger, tracer: tracer.forPartner(partner.id))
            let handler = OfferDeliveryHandler(partnerId: partner.id, deliverer: deliverer, store: store, publisher: publisher,
                                               logger: logger, backoff: RetryBackoff(first: settings.retryBackoff,
                                                                                     maximum: settings.maximumBackoff),
                                               now: { Date() })
            services.append(EventConsumerService(name: "adapters.\(partner.id)", consumer: consumer, deadLetters: deadLetters,
                                                 logger: logger, maxAttempts: settings.maxAttempts, commitEvery: 1,
                                                 afterDeadLetter: handler.deadLettered, tracer: tracer.forPartner(partner.id),
                                                 keys: options.subjectKeys, handler: handler.handle))
        }

        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        if options.callers == nil { logger.warning("partner status API runs without authentication: every caller may report") }
        StatusRoutes(directory: directory, store: store, publisher: publisher,
                     callers: options.callers, logger: logger, now: { Date() }).add(to: router)
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        services.append(endpoint.application(router: router, name: "nazorg-hub-adapters", logger: logger, service: "adapters",
                                             tracer: tracer))
        return ServiceAssembly(name: "adapters", endpoint: endpoint, services: services)
    }
}
