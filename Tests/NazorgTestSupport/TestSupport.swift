import Foundation
import Logging
import NazorgKafka
import ServiceLifecycle
import Synchronization
import Testing

/// A logger that prints only what a failing test needs.
public func quietLogger(_ label: String, level: Logger.Level = .error) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}

/// Client settings that make joining a consumer group quick on the embedded broker.
public func fastConsumerConfiguration(_ bootstrap: String, clientID: String = "nazorg-tests") -> KafkaConfiguration {
    KafkaConfiguration(bootstrapServers: bootstrap, clientID: clientID, properties: [
        "session.timeout.ms": "4000",
        "heartbeat.interval.ms": "300",
        "fetch.wait.max.ms": "50",
        "topic.metadata.refresh.interval.ms": "1000",
    ])
}

/// Waits until `condition` holds, polling; records an issue and throws when `timeout` passes first.
/// The default is generous: group joins and rebalances on a busy two-core CI machine are slow,
/// and a condition that holds returns at once anyway.
public func waitUntil(_ what: String, timeout: Duration = .seconds(60),
                      _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}

/// Reads a topic from the beginning with a new consumer group until at least `count`
/// records arrived or `timeout` passed, then one more poll to catch any extra record.
public func readTopic(_ bootstrap: String, _ topic: String, atLeast count: Int, timeout: Duration = .seconds(60),
                      logger: Logger = quietLogger("nazorg.tests.reader")) async throws -> [ConsumerRecord] {
    let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(bootstrap),
                                     options: ConsumerOptions(groupID: "reader-\(UUID().uuidString)", topics: [topic]),
                                     logger: logger)
    var records: [ConsumerRecord] = []
    let deadline = ContinuousClock.now + timeout
    while records.count < max(count, 1) && ContinuousClock.now < deadline { records += try await consumer.poll() }
    records += try await consumer.poll()
    await consumer.close()
    return records
}

/// Reads `topic` from the start with one consumer until the records read so far satisfy
/// `done`; throws when they do not within `timeout`. Unlike ``readTopic(_:_:atLeast:timeout:logger:)``
/// it never stops at whatever the first partitions gave.
public func readTopic(_ bootstrap: String, _ topic: String, timeout: Duration = .seconds(60),
                      logger: Logger = quietLogger("nazorg.tests.reader"),
                      until done: ([ConsumerRecord]) throws -> Bool) async throws -> [ConsumerRecord] {
    let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(bootstrap),
                                     options: ConsumerOptions(groupID: "reader-\(UUID().uuidString)", topics: [topic]),
                                     logger: logger)
    var records: [ConsumerRecord] = []
    let deadline = ContinuousClock.now + timeout
    do {
        while try !done(records) {
            guard ContinuousClock.now < deadline else {
                throw TopicReadTimeout(topic: topic, read: records.count)
            }
            records += try await consumer.poll()
        }
    } catch {
        await consumer.close()
        throw error
    }
    await consumer.close()
    return records
}

/// Every record on `topic` as far as one consumer from the start can tell: it reads until no
/// new record came for `quiet` (or, on an empty topic, for `emptyAfter`). For checks over a
/// whole topic once the chain is at rest; to wait for something, use `readTopic(_:_:until:)`.
public func drainTopic(_ bootstrap: String, _ topic: String, quiet: Duration = .seconds(2), emptyAfter: Duration = .seconds(10),
                       logger: Logger = quietLogger("nazorg.tests.reader")) async throws -> [ConsumerRecord] {
    let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(bootstrap),
                                     options: ConsumerOptions(groupID: "reader-\(UUID().uuidString)", topics: [topic]),
                                     logger: logger)
    var records: [ConsumerRecord] = []
    var lastNew = ContinuousClock.now
    do {
        while ContinuousClock.now - lastNew < (records.isEmpty ? emptyAfter : quiet) {
            let batch = try await consumer.poll()
            if !batch.isEmpty { records += batch; lastNew = .now }
        }
    } catch {
        await consumer.close()
        throw error
    }
    await consumer.close()
    return records
}

/// The records read from a topic never satisfied what the test waited for.
public struct TopicReadTimeout: Error, CustomStringConvertible {
    public let topic: String
    public let read: Int
    public var description: String { "\(topic): \(read) records read, not what was expected" }
}

/// Runs `services` in a service group while `body` runs, then shuts the group down gracefully.
public func withServices<T: Sendable>(_ services: [any Service], logger: Logger = quietLogger("nazorg.tests.services"),
                                      _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger))
    let running = Task { try await group.run() }
    do {
        let result = try await body()
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        throw error
    }
}

/// SplitMix64: a small seeded generator, so a shuffle or a random case that fails can be replayed.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Keeps the messages logged through it, so a test can check what a component reported,
/// and each whole entry as text (message and metadata), so a test can hunt for values that
/// must never be logged.
public final class LogRecorder: Sendable {
    private let messages = Mutex<[String]>([])
    private let entries = Mutex<[String]>([])

    public init() {}

    /// A logger at `level` that records into this recorder.
    public func logger(_ label: String, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self, logLevel: level) }
        logger.logLevel = level
        return logger
    }

    /// How many times `message` was logged.
    public func count(_ message: String) -> Int { messages.withLock { $0.filter { $0 == message }.count } }

    /// Every entry logged so far: its message, then its metadata (the logger's and the
    /// call's) as `key=value`.
    public var text: [String] { entries.withLock { $0 } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.messages.withLock { $0.append(event.message.description) }
            let merged = metadata.merging(event.metadata ?? [:]) { _, call in call }
            let line = ([event.message.description] + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
            recorder.entries.withLock { $0.append(line) }
        }
    }
}
