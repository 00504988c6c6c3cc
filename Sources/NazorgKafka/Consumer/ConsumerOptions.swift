/// What a consumer reads and how.
public struct ConsumerOptions: Sendable {
    /// Where a group with no committed offset starts.
    public enum StartPosition: String, Sendable {
        case earliest
        case latest
    }

    public var groupID: String
    public var topics: [String]
    public var startFrom: StartPosition
    /// The most records one batch holds.
    public var maxBatchSize: Int
    /// How long one poll waits for the first record before returning an empty batch.
    public var pollTimeout: Duration

    public init(groupID: String, topics: [String], startFrom: StartPosition = .earliest,
                maxBatchSize: Int = 1000, pollTimeout: Duration = .milliseconds(250)) {
        self.groupID = groupID
        self.topics = topics
        self.startFrom = startFrom
        self.maxBatchSize = maxBatchSize
        self.pollTimeout = pollTimeout
    }
}

extension ConsumerOptions {
    /// The most records one batch may hold; a batch buffer of this size is allocated per poll.
    static let maxBatchSizeLimit = 1_000_000

    /// Throws a configuration error for options no consumer can run with.
    func validate() throws {
        guard !groupID.isEmpty else {
            throw KafkaError.configuration("groupID", "a consumer needs a group id, so its offsets can be committed")
        }
        guard !topics.isEmpty, !topics.contains(where: \.isEmpty) else {
            throw KafkaError.configuration("topics", "a consumer needs at least one topic, and no topic name may be empty")
        }
        guard (1...Self.maxBatchSizeLimit).contains(maxBatchSize) else {
            throw KafkaError.configuration("maxBatchSize", "a batch holds 1 to \(Self.maxBatchSizeLimit) records, not \(maxBatchSize)")
        }
        guard pollTimeout > .zero else {
            throw KafkaError.configuration("pollTimeout", "the poll time-out must be positive")
        }
    }
}
