import Foundation
import NazorgContracts
import NazorgKafka

/// Moves records that can never be processed to `nazorg.deadletter.v1`, with the reason
/// in headers, so they neither block their partition nor vanish.
public struct DeadLetterWriter: Sendable {
    let producer: KafkaProducer
    let service: String

    public init(producer: KafkaProducer, service: String) {
        self.producer = producer
        self.service = service
    }

    /// Writes the record unchanged plus reason headers; returns after Kafka's acknowledgement.
    /// `detail` must not contain payload values.
    public func deadLetter(_ record: ConsumerRecord, reason: String, detail: String) async throws {
        var headers = record.headers
        headers.append(KafkaHeader(DeadLetterHeader.reason, reason))
        headers.append(KafkaHeader(DeadLetterHeader.detail, String(detail.prefix(500))))
        headers.append(KafkaHeader(DeadLetterHeader.topic, record.topic))
        headers.append(KafkaHeader(DeadLetterHeader.partition, String(record.partition)))
        headers.append(KafkaHeader(DeadLetterHeader.offset, String(record.offset)))
        headers.append(KafkaHeader(DeadLetterHeader.service, service))
        headers.append(KafkaHeader(DeadLetterHeader.time, ContractCoding.timestamp(Date())))
        try await producer.send(ProducerRecord(topic: Topics.deadLetter, key: record.key, value: record.value, headers: headers))
    }
}

/// Thrown by an event handler for input that will never be valid; the record goes to the
/// dead-letter topic. The message names fields and rules, never values.
public struct PoisonEvent: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public let detail: String

    public init(reason: String, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason): \(detail)" }
}
