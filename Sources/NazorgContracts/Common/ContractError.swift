/// A payload could not be turned into a contract type.
public struct ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The event type does not belong to the wrapper being decoded.
        case unexpectedEventType = "unexpected-event-type"
        /// The bytes are not valid JSON for the schema.
        case invalidPayload = "invalid-payload"
    }

    public let code: Code
    /// A sentence without personal data.
    public let message: String
    public let eventType: String?

    public init(code: Code, message: String, eventType: String? = nil) {
        self.code = code
        self.message = message
        self.eventType = eventType
    }

    public var description: String {
        "\(code.rawValue): \(message)" + (eventType.map { " (\($0))" } ?? "")
    }
}
