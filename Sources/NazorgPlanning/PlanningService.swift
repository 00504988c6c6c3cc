import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// The coordinator's engine: opens cases from PI notices, assigns tasks to partners,
/// records partner answers, and publishes what it decided on the case-event topic.
public enum PlanningService {
    public static let source = "/nazorg-hub/planning"

    public static func make(options: ServiceOptions, directory: PartnerDirectory, logger: Logger,
                            store: (any PlanningStore)? = nil) throws -> ServiceAssembly {
        let store = try store ?? SQLitePlanningStore(path: options.dataFile("planning.sqlite"))
        let (tracer, tracing) = try options.makeTracer(for: "planning", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let consumer = try KafkaConsumer(configuration: options.kafka,
                                         options: ConsumerOptions(groupID: options.group("planning"),
                                                                  topics: [Topics.intakeNotices, Topics.partnerStatus]),
                                         logger: logger)
        let engine = PlanningEngine(store: store, planner: Planner(directory: directory),
                                    publisher: EventPublisher(producer: producer, source: source), logger: logger)
        let router = Router()
        HealthRoutes.add(to: router) { await producer.isConnected() }
        let endpoint = HTTPEndpoint(host: options.host, port: options.port, timeouts: options.httpTimeouts)
        return ServiceAssembly(name: "planning", endpoint: endpoint, services: tracing + [
            ProducerLifecycleService(producer: producer),
            OutboxRelayService(engine: engine, logger: logger),
            EventConsumerService(name: "planning", consumer: consumer,
                                 deadLetters: DeadLetterWriter(producer: producer, service: "planning"),
                                 logger: logger, tracer: tracer, handler: engine),
            endpoint.application(router: router, name: "nazorg-planning", logger: logger, tracer: tracer),
        ])
    }
}

/// Applies inputs to the store and publishes the resulting events before the inputs are
/// committed: per batch, each input is decided and stored with its outbox in its own
/// transaction (`stage`), then the whole outbox is published at once (`finish`).
public struct PlanningEngine: BatchEventHandler {
    let store: any PlanningStore
    let planner: Planner
    let publisher: EventPublisher
    let logger: Logger

    public init(store: any PlanningStore, planner: Planner, publisher: EventPublisher, logger: Logger) {
        self.store = store
        self.planner = planner
        self.publisher = publisher
        self.logger = logger
    }

    /// Applies one input alone, then publishes the outbox in decision order: what a crash
    /// left behind goes out before this input's own events.
    @Sendable public func handle(_ event: ReceivedEvent) async throws {
        try await apply(event)
        try await publishOutbox()
    }

    /// Decides the input and stores the change with its outbox; the outbox is published
    /// when the batch finishes.
    public func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws {
        try await apply(event)
    }

    /// Publishes the outbox of the whole batch, in decision order, before it is committed.
    public func finish(_ effects: [Void]) async throws {
        try await publishOutbox()
    }

    private func apply(_ event: ReceivedEvent) async throws {
        let envelope = event.envelope
        let now = Date()
        let planner = self.planner
        if envelope.type.isIntakeNotice {
            let notice: IntakeNotice
            do {
                notice = try IntakeNotice.decode(from: Data(event.record.value), eventType: envelope.type)
            } catch {
                throw PoisonEvent(reason: "invalid-payload", detail: "the \(envelope.type.rawValue) body does not match its schema")
            }
            let applied = try await store.apply(eventId: envelope.id, subjectId: notice.subjectId) { existing, tasks in
                try planner.decide(notice: notice, eventId: envelope.id, trace: envelope.traceparent, now: now,
                                   existing: existing, tasks: tasks)
            }
            log(applied, envelope)
        } else if envelope.type == .taskStatusChanged {
            let status = try event.decode(TaskStatusChanged.self)
            // Reports about a task name only the task: planning knows whose it is.
            guard let subjectId = try await store.subjectId(ofTask: status.taskId) else {
                throw PoisonEvent(reason: "unknown-task", detail: "planning never assigned a task with this id")
            }
            if let named = status.subjectId, named != subjectId {
                throw PoisonEvent(reason: "wrong-subject", detail: "the task belongs to another person")
            }
            let applied = try await store.apply(eventId: envelope.id, subjectId: subjectId) { existing, tasks in
                try planner.decide(status: status, eventId: envelope.id, trace: envelope.traceparent, now: now,
                                   existing: existing, tasks: tasks)
            }
            log(applied, envelope)
        } else {
            throw PoisonEvent(reason: "unexpected-type", detail: "planning does not handle \(envelope.type.rawValue)")
        }
    }

    private func log(_ applied: Bool, _ envelope: EventEnvelope) {
        logger.debug(applied ? "planning input applied" : "planning input already applied", metadata: [
            "event.id": .string(envelope.id), "event.type": .string(envelope.type.rawValue),
            "trace.id": .string(envelope.traceparent.traceID),
        ])
    }

    /// Publishes what the store holds for Kafka, waits for the acknowledgement, and forgets it.
    public func publishOutbox() async throws {
        while true {
            let pending = try await store.pendingOutbox(limit: 5_000)
            guard !pending.isEmpty else { return }
            let records = pending.map { event in
                publisher.record(encoded: event.payload, type: event.type, topic: event.topic, key: event.key, id: event.eventId,
                                 subject: event.subject, trace: TraceParent(event.traceparent) ?? .random(), time: event.time)
            }
            try await publisher.publish(records)
            try await store.removeFromOutbox(pending.map(\.eventId))
        }
    }
}

/// Publishes what planning decided but Kafka has not yet confirmed: at start (what a crash
/// left behind) and then every few seconds, so decided events never wait for new input.
struct OutboxRelayService: Service {
    let engine: PlanningEngine
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await engine.publishOutbox()
            } catch {
                logger.warning("planning outbox not published yet; retrying", metadata: ["error": .string(error.loggable)])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
