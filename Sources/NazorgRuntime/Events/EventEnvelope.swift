import Foundation
import NazorgContracts
import NazorgKafka

/// The CloudEvents attributes of one event, carried as Kafka headers (binary mode).
public struct EventEnvelope: Sendable, Equatable {
    public var id: String
    /// The producing service, e.g. `/nazorg-hub/intake`.
    public var source: String
    public var type: EventType
    public var time: Date
    /// The subject pseudonym, when the event concerns one person.
    public var subject: String?
    public var traceparent: TraceParent

    public init(id: String, source: String, type: EventType, time: Date, subject: String?, traceparent: TraceParent) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.traceparent = traceparent
    }

    /// The Kafka headers of this envelope.
    public var headers: [KafkaHeader] {
        var headers = [
            KafkaHeader(CloudEventHeader.specVersion, CloudEventHeader.specVersionValue),
            KafkaHeader(CloudEventHeader.id, id),
            KafkaHeader(CloudEventHeader.source, source),
            KafkaHeader(CloudEventHeader.type, type.ceType),
            KafkaHeader(CloudEventHeader.time, ContractCoding.timestamp(time)),
            KafkaHeader(CloudEventHeader.contentType, CloudEventHeader.jsonContentType),
            KafkaHeader(CloudEventHeader.dataSchema, type.schemaURN),
            KafkaHeader(CloudEventHeader.traceparent, traceparent.description),
        ]
        if let subject { headers.append(KafkaHeader(CloudEventHeader.subject, subject)) }
        return headers
    }

    /// Reads the envelope from a record's headers.
    public init(headers: [KafkaHeader]) throws(EventDecodingError) {
        func required(_ name: String) throws(EventDecodingError) -> String {
            guard let value = headers.text(name), !value.isEmpty else {
                throw EventDecodingError(.missingHeader, "the record has no \(name) header")
            }
            return value
        }
        guard try required(CloudEventHeader.specVersion) == CloudEventHeader.specVersionValue else {
            throw EventDecodingError(.unsupportedVersion, "ce_specversion is not \(CloudEventHeader.specVersionValue)")
        }
        let ceType = try required(CloudEventHeader.type)
        guard let type = EventType(ceType: ceType) else {
            throw EventDecodingError(.unknownType, "ce_type is not a known event type")
        }
        guard let time = ContractCoding.parseTimestamp(try required(CloudEventHeader.time)) else {
            throw EventDecodingError(.invalidHeader, "ce_time is not an RFC 3339 timestamp")
        }
        if let contentType = headers.text(CloudEventHeader.contentType), !contentType.hasPrefix(CloudEventHeader.jsonContentType) {
            throw EventDecodingError(.invalidHeader, "content-type is not application/json")
        }
        self.init(id: try required(CloudEventHeader.id), source: try required(CloudEventHeader.source), type: type,
                  time: time, subject: headers.text(CloudEventHeader.subject),
                  // A missing or malformed traceparent starts a new trace rather than losing the event.
                  traceparent: headers.text(CloudEventHeader.traceparent).flatMap(TraceParent.init) ?? .random())
    }
}

/// Why a record could not be read as an event. It names headers and types, never payload values.
public struct EventDecodingError: Error, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case missingHeader = "missing-header"
        case invalidHeader = "invalid-header"
        case unsupportedVersion = "unsupported-version"
        case unknownType = "unknown-type"
        case unexpectedType = "unexpected-type"
        case invalidPayload = "invalid-payload"
        /// Sealed members that do not open: altered, moved, or sealed under a key this
        /// service's key store does not hold.
        case unreadableSealed = "unreadable-sealed"
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}

/// An event read from Kafka: its envelope, its JSON body, and where it was read.
public struct ReceivedEvent: Sendable {
    public let envelope: EventEnvelope
    /// The record as it was read; a dead letter keeps it so (sealed members stay sealed).
    public let record: ConsumerRecord
    /// The JSON body: the record's value, with sealed members opened (``SubjectSealing``).
    public let body: [UInt8]

    public init(record: ConsumerRecord) throws(EventDecodingError) {
        self.record = record
        self.envelope = try EventEnvelope(headers: record.headers)
        self.body = record.value
    }

    init(envelope: EventEnvelope, record: ConsumerRecord, body: [UInt8]) {
        self.envelope = envelope
        self.record = record
        self.body = body
    }

    /// This event with its body opened.
    func opened(_ body: [UInt8]) -> ReceivedEvent { ReceivedEvent(envelope: envelope, record: record, body: body) }

    /// Decodes the body as `P`; the envelope's type must be `P`'s.
    public func decode<P: EventPayload>(_ type: P.Type) throws(EventDecodingError) -> P {
        guard envelope.type == P.eventType else {
            throw EventDecodingError(.unexpectedType, "expected \(P.eventType.rawValue), got \(envelope.type.rawValue)")
        }
        do {
            return try P.decodedJSON(Data(body))
        } catch {
            throw EventDecodingError(.invalidPayload, "the \(P.eventType.rawValue) body does not match its schema (\(Self.describe(error)))")
        }
    }

    /// A decoding error, reduced to the field path: values never leave this function.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "invalid value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "undecodable"
        }
    }
}
