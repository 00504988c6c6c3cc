import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle
import Synchronization

/// The coordinator's engine: opens cases from PI notices, assigns tasks to partners,
/// records partner answers, and publishes what it decided on the case-event topic.
public enum PlanningService {
    public static let source = "/nazorg-hub/planning"

    public static func make(options: ServiceOptions, directory: PartnerDirectory, logger: Logger,
                            store: (any PlanningStore)? = nil) throws -> ServiceAssembly {
        try ConfigurationError.requireDutchTime()
        let store = try store ?? SQLitePlanningStore(path: options.dataFile("planning.sqlite"))
        let (tracer, tracing) = try options.makeTracer(for: "planning", logger: logger)
        let producer = try KafkaProducer(configuration: options.kafka, logger: logger)
        let consumer = try KafkaConsumer(configuration: options.kafka,
                                         options: ConsumerOptions(groupID: options.group("planning"),
                                                                  topics: [Topics.intakeNotices, Topics.partnerStatus]),
                                         logger: logger)
        let engine = PlanningEngine(store: store, planner: Planner(directory: directory),
                                    publisher: EventPublisher(producer: producer, source: source), logger: logger,
                                    appliesBatches: !tracer.isEnabled)
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
/// committed. Per batch: every input is decided and stored with its outbox in one
/// transaction (`prepare`), each event then learns its outcome (`stage`: a refused one goes
/// to the dead letters), and the whole outbox is published at once (`finish`).
///
/// With traces on, each input is applied in its own transaction while it is staged, inside
/// its consumer span, so that the events it decides name that span as their parent (a
/// batch's transaction runs outside every event's span).
public struct PlanningEngine: BatchEventHandler {
    let store: any PlanningStore
    let planner: Planner
    let publisher: EventPublisher
    let logger: Logger
    /// The outcomes the last `prepare` reached, by event source and id, until each is staged.
    private let prepared = PreparedOutcomes()

    /// Whether `prepare` applies the batch in one transaction (see above).
    let appliesBatches: Bool

    public init(store: any PlanningStore, planner: Planner, publisher: EventPublisher, logger: Logger,
                appliesBatches: Bool = true) {
        self.store = store
        self.planner = planner
        self.publisher = publisher
        self.logger = logger
        self.appliesBatches = appliesBatches
    }

    /// Applies one input alone, then publishes the outbox in decision order: what a crash
    /// left behind goes out before this input's own events.
    @Sendable public func handle(_ event: ReceivedEvent) async throws {
        try report(try await store.apply([try input(for: event)]).first ?? .alreadyApplied, event.envelope)
        try await publishOutbox()
    }

    /// Applies the batch in one transaction. An event whose body cannot be read is left out:
    /// staging it refuses it.
    public func prepare(_ events: [ReceivedEvent]) async throws {
        prepared.outcomes.withLock { $0 = [:] }
        guard appliesBatches else { return }
        let readable = events.compactMap { event in (try? input(for: event)).map { (Self.key(of: event), $0) } }
        let outcomes = try await store.apply(readable.map(\.1))
        prepared.outcomes.withLock { prepared in
            for ((key, _), outcome) in zip(readable, outcomes) { prepared[key] = outcome }
        }
    }

    /// Reports the outcome the batch's transaction reached for the event, or applies the event
    /// alone when the batch was not prepared (a repeat is harmless: the store knows it).
    /// The outbox is published when the batch finishes.
    public func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws {
        let key = Self.key(of: event)
        let outcome: PlanningOutcome
        if let known = prepared.outcomes.withLock({ $0.removeValue(forKey: key) }) {
            outcome = known
        } else {
            outcome = try await store.apply([try input(for: event)]).first ?? .alreadyApplied
        }
        try report(outcome, event.envelope)
    }

    /// An event as the consumer tells events apart: by source and id.
    private static func key(of event: ReceivedEvent) -> String { event.envelope.source + "\u{1F}" + event.envelope.id }

    /// Publishes the outbox of the whole batch, in decision order, before it is committed.
    public func finish(_ effects: [Void]) async throws {
        try await publishOutbox()
    }

    /// The store's input for an event: whose case it concerns and the planner's decision.
    private func input(for event: ReceivedEvent) throws -> PlanningInput {
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
            return PlanningInput(eventId: envelope.id, owner: .subject(notice.subjectId)) { _, existing, tasks in
                try planner.decide(notice: notice, eventId: envelope.id, trace: envelope.traceparent, now: now,
                                   existing: existing, tasks: tasks)
            }
        } else if envelope.type == .taskStatusChanged {
            let status = try event.decode(TaskStatusChanged.self)
            // Reports about a task name only the task: planning knows whose it is.
            return PlanningInput(eventId: envelope.id, owner: .ownerOfTask(status.taskId)) { subjectId, existing, tasks in
                if let named = status.subjectId, named != subjectId {
                    throw PoisonEvent(reason: "wrong-subject", detail: "the task belongs to another person")
                }
                return try planner.decide(status: status, eventId: envelope.id, trace: envelope.traceparent, now: now,
                                          existing: existing, tasks: tasks)
            }
        } else {
            throw PoisonEvent(reason: "unexpected-type", detail: "planning does not handle \(envelope.type.rawValue)")
        }
    }

    private func report(_ outcome: PlanningOutcome, _ envelope: EventEnvelope) throws {
        let message: Logger.Message
        switch outcome {
        case .refused(let refusal): throw refusal
        case .applied: message = "planning input applied"
        case .alreadyApplied: message = "planning input already applied"
        }
        logger.debug(message, metadata: [
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

/// What the last prepared batch came to, by event id; one consumer prepares and stages.
private final class PreparedOutcomes: Sendable {
    let outcomes = Mutex<[String: PlanningOutcome]>([:])
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
