import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// The coordinator's engine: follows each detention from PI notices (a case per detention,
/// tasks per basisvoorwaarde, deadlines that move with the release date, release day,
/// hand-over, withdrawal, closure), records partner answers, and publishes what it decided
/// on the case-event topic.
public enum PlanningService {
    public static let source = "/nazorg-hub/planning"

    public static func make(options: ServiceOptions, directory: PartnerDirectory, logger: Logger,
                            settings: PlanningSettings = PlanningSettings(),
                            store: (any CoordinatorStore)? = nil) throws -> ServiceAssembly {
        try ConfigurationError.requireDutchTime()
        let store = try store ?? SQLitePlanningStore(path: options.dataFile("planning.sqlite"))
        let (tracer, tracing) = try options.makeTracer(for: "planning", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let consumer = try KafkaConsumer(configuration: options.kafka,
                                         options: ConsumerOptions(groupID: options.group("planning"),
                                                                  topics: [Topics.intakeNotices, Topics.partnerStatus,
                                                                           Topics.filterDisclosures]),
                                         logger: logger)
        let planner = settings.profiles.map { Planner(directory: directory, profiles: $0) }
            ?? Planner(directory: directory, rules: settings.rules, aftercareDays: settings.aftercareDays)
        let engine = PlanningEngine(store: store, planner: planner,
                                    publisher: options.publisher(producer, source: source), logger: logger,
                                    appliesBatches: !tracer.isEnabled)
        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        if let api = settings.api {
            let desk = PlanningCoordinatorDesk(store: store, engine: engine, directory: directory, now: Date.init)
            CoordinatorHTTP.add(to: router, desk: desk, settings: api, directory: directory,
                                viewLog: KafkaCaseViewLog(publisher: options.publisher(producer, source: source)), logger: logger)
        } else {
            logger.warning("coordinator API and page not served: no caller file (--callers); they show personal data and never run open")
        }
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        var purger: [any Service] = []
        if let retention = settings.retention {
            // Only the SQLite store knows its tables; another store applies no retention yet.
            guard let sqlite = store as? SQLitePlanningStore else {
                throw ConfigurationError("planning's retention applies to its SQLite store only; run it with --retention none")
            }
            purger = [PlanningRetentionPurger(store: sqlite, retention: retention, interval: settings.retentionInterval,
                                              logger: logger)]
        }
        return ServiceAssembly(name: "planning", endpoint: endpoint, services: tracing + purger + [
            ProducerLifecycleService(producer: producer, writes: { [Topics.planningCaseEvents, Topics.deadLetter].contains($0) }, logger: logger),
            OutboxRelayService(engine: engine, logger: logger),
            CaseClosureService(engine: engine, interval: settings.closureCheckInterval, logger: logger),
            TimerService(engine: engine, interval: settings.timerCheckInterval, logger: logger),
            EventConsumerService(name: "planning", consumer: consumer,
                                 deadLetters: DeadLetterWriter(producer: producer, service: "planning"),
                                 logger: logger, tracer: tracer, keys: options.subjectKeys, handler: engine),
            endpoint.application(router: router, name: "nazorg-planning", logger: logger, tracer: tracer),
        ])
    }
}

