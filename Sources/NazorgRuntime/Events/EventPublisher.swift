import Foundation
import NazorgContracts
import NazorgKafka

/// Writes contract events as CloudEvents in Kafka binary mode and waits for the broker.
/// With `sealing`, the personal members of a record on a sealed topic are sealed under the
/// person's data key first (``SubjectSealing``).
public struct EventPublisher: Sendable {
    public let producer: KafkaProducer
    /// This service's CloudEvents source, e.g. `/nazorg-hub/planning`.
    public let source: String
    public let sealing: SubjectSealing?

    public init(producer: KafkaProducer, source: String, sealing: SubjectSealing? = nil) {
        self.producer = producer
        self.source = source
        self.sealing = sealing
    }

    /// The service's name in metrics: the last part of its source.
    public var service: String { source.split(separator: "/").last.map(String.init) ?? source }

    /// Builds the Kafka record of an event without sending it. `sealedFor` is the hub-wide
    /// pseudonym of the person whose key seals it, when `subject` is not (a partner record).
    public func record<P: EventPayload>(_ payload: P, topic: String, key: String, id: String,
                                        subject: String?, sealedFor: String? = nil, trace: TraceParent,
                                        time: Date = Date()) throws -> ProducerRecord {
        try record(encoded: try payload.encodedJSON(), type: P.eventType, topic: topic, key: key, id: id, subject: subject,
                   sealedFor: sealedFor, trace: trace, time: time)
    }

    /// Builds the Kafka record of an event whose JSON body is already encoded.
    public func record(encoded payload: Data, type: EventType, topic: String, key: String, id: String,
                       subject: String?, sealedFor: String? = nil, trace: TraceParent, time: Date) throws -> ProducerRecord {
        let envelope = EventEnvelope(id: id, source: source, type: type, time: time, subject: subject, traceparent: trace)
        let body = try sealing?.seal(payload, topic: topic, subjectId: sealedFor ?? subject, type: type, id: id) ?? payload
        return ProducerRecord(topic: topic, key: key, value: Array(body), headers: envelope.headers)
    }

    /// Publishes one event and returns once Kafka acknowledged it.
    @discardableResult
    public func publish<P: EventPayload>(_ payload: P, topic: String, key: String, id: String,
                                         subject: String?, trace: TraceParent, time: Date = Date()) async throws -> DeliveryReport {
        try await send(record(payload, topic: topic, key: key, id: id, subject: subject, trace: trace, time: time))
    }

    /// Publishes a task's status on the partner-status topic as its contract says: keyed by
    /// the task id, naming no person (planning knows whose task it is).
    @discardableResult
    public func publishTaskStatus(_ status: TaskStatusChanged, id: String, trace: TraceParent) async throws -> DeliveryReport {
        try await send(taskStatusRecord(status, id: id, trace: trace))
    }

    /// The record ``publishTaskStatus(_:id:trace:)`` writes, for a caller that writes it later.
    public func taskStatusRecord(_ status: TaskStatusChanged, id: String, trace: TraceParent) throws -> ProducerRecord {
        try record(status, topic: Topics.partnerStatus, key: status.taskId, id: id, subject: nil, trace: trace)
    }

    /// The event id of the hub's own status report about a task, derived from the event that
    /// caused it, so a replay repeats it and planning applies it once.
    public static func hubStatusID(causedBy sourceEventId: String, _ status: TaskStatus) -> String {
        DeterministicID.string("hub-status", sourceEventId, status.rawValue)
    }

    /// Publishes prepared records in order and returns once Kafka acknowledged all of them.
    public func publish(_ records: [ProducerRecord]) async throws {
        try await producer.send(batch: records)
        count(records)
    }

    /// Publishes one prepared record and returns once Kafka acknowledged it.
    @discardableResult
    public func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        let report = try await producer.send(record)
        count([record])
        return report
    }

    /// Records written outside a consumer's batch are counted here, once acknowledged.
    private func count(_ records: [ProducerRecord]) {
        for (topic, written) in Dictionary(grouping: records, by: \.topic) {
            HubMetrics.recordsProduced(topic: topic, service: service, count: written.count)
        }
    }
}
