import Foundation

/// A JSON payload of one nazorg-hub event, matching its schema in `Contracts/schemas/`.
public protocol EventPayload: Codable, Sendable, Equatable {
    static var eventType: EventType { get }
}

/// A payload that names its person by pseudonym; the pseudonym is the Kafka record key.
public protocol SubjectKeyed {
    var subjectId: String { get }
}

extension EventPayload {
    /// The payload as contract JSON (sorted keys, millisecond UTC timestamps).
    public func encodedJSON() throws -> Data {
        try ContractJSONEncoder.encode(self)
    }

    /// Decodes a payload written by ``encodedJSON()`` or any producer following the schema.
    public static func decodedJSON(_ data: Data) throws -> Self {
        try ContractCoding.decoder().decode(Self.self, from: data)
    }
}
