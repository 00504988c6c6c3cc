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
