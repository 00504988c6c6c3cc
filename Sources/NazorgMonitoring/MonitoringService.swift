import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// Monitoring: the read model and dashboard for RCN staff, built only from the
/// pseudonymous monitoring feed.
public enum MonitoringService {
    /// Builds the service with its read model at `<dataDirectory>/monitoring.sqlite`.
    public static func make(options: ServiceOptions, logger: Logger) throws -> ServiceAssembly {
        try make(options: options, store: try SQLiteMonitoringStore(path: try options.dataFile("monitoring.sqlite")), logger: logger)
    }

    /// Builds the service around a given store.
    public static func make(options: ServiceOptions, store: any MonitoringStore, logger: Logger) throws -> ServiceAssembly {
        // The producer writes dead letters and answers the readiness probe; monitoring
        // publishes nothing else.
        let (tracer, tracing) = try options.makeTracer(for: "monitoring", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let consumer = try KafkaConsumer(
            configuration: options.kafka,
            options: ConsumerOptions(groupID: options.group("monitoring"), topics: [Topics.monitoringFeed]),
            logger: logger)
        let handler = FeedHandler(store: store, logger: logger)
        let consumerService = EventConsumerService(
            name: "monitoring", consumer: consumer, deadLetters: DeadLetterWriter(producer: producer, service: "monitoring"),
            logger: logger, tracer: tracer, handler: handler)

        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        let routes = MonitoringRoutes(store: store, logger: logger)
        routes.add(to: router)
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        return ServiceAssembly(name: "monitoring", endpoint: endpoint, services: tracing + [
            ProducerLifecycleService(producer: producer),
            consumerService,
            endpoint.application(router: router, name: "nazorg-hub-monitoring", logger: logger, service: "monitoring",
                                 tracer: tracer, refreshMetrics: routes.refreshMetrics),
        ])
    }
}

/// Folds the FlowObserved events of a batch into the read model, in one transaction.
/// Public so a benchmark can run the real handler in a consumer service of its own.
public struct FeedHandler: BatchEventHandler {
    let store: any MonitoringStore
    let logger: Logger

    public init(store: any MonitoringStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws -> FlowObserved {
        try event.decode(FlowObserved.self)
    }

    public func finish(_ observations: [FlowObserved]) async throws {
        let applied = try await store.apply(observations)
        logger.debug("observations applied", metadata: [
            "observations.new": "\(applied)", "observations.repeated": "\(observations.count - applied)",
        ])
    }
}
