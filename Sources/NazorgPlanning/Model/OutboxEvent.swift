import Foundation
import NazorgContracts
import NazorgRuntime

/// An event planning decided to publish, kept in the store with the state change that
/// caused it, and published (then removed) after the transaction commits. A crash between
/// the two publishes it on the next start: nothing decided is lost.
public struct OutboxEvent: Sendable, Equatable {
    public var eventId: String
    public var type: EventType
    public var topic: String
    public var key: String
    public var subject: String?
    public var traceparent: String
    public var time: Date
    public var payload: Data

    public init<P: EventPayload>(_ payload: P, id: String, topic: String, key: String, trace: TraceParent, time: Date) throws {
        self.eventId = id
        self.type = P.eventType
        self.topic = topic
        self.key = key
        self.subject = key
        self.traceparent = trace.description
        self.time = time
        self.payload = try payload.encodedJSON()
    }

    public init(eventId: String, type: EventType, topic: String, key: String, subject: String?, traceparent: String,
                time: Date, payload: Data) {
        self.eventId = eventId
        self.type = type
        self.topic = topic
        self.key = key
        self.subject = subject
        self.traceparent = traceparent
        self.time = time
        self.payload = payload
    }
}
