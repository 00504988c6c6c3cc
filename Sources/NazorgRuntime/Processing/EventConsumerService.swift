import Logging
import NazorgKafka
import ServiceLifecycle

/// Runs one consumer-group member: reads batches, hands each event to a handler in order,
/// and commits a batch only after every event in it was handled or dead-lettered.
///
/// A ``PoisonEvent`` or an undecodable record goes to the dead-letter topic at once. A
/// ``TransientError`` or a retriable ``KafkaError`` (a partner or Kafka away) is retried with
/// back-off for as long as it takes: an outage delays work but never drops it. Any other
/// error is retried `maxAttempts` times and then dead-lettered, so a bug cannot block a
/// partition for good.
public struct EventConsumerService: Service {
    public typealias Handler = @Sendable (ReceivedEvent) async throws -> Void
    /// Runs after a record was dead-lettered, with the reason code: a service reports a
    /// task among them to planning so it does not disappear in silence. Retried like the
    /// dead-letter write itself.
    public typealias DeadLetterHook = @Sendable (ConsumerRecord, String) async throws -> Void

    let name: String
    let consumer: KafkaConsumer
    let deadLetters: DeadLetterWriter
    let logger: Logger
    let maxAttempts: Int
    let handler: Handler
    let afterDeadLetter: DeadLetterHook?
    /// Commit after this many handled records within a batch (nil: once per batch). A
    /// consumer whose handling has effects outside Kafka (a partner's webhook) commits often,
    /// so a restart repeats little of what was already done.
    let commitEvery: Int?

    public init(name: String, consumer: KafkaConsumer, deadLetters: DeadLetterWriter, logger: Logger,
                maxAttempts: Int = 8, commitEvery: Int? = nil, afterDeadLetter: DeadLetterHook? = nil,
                handler: @escaping Handler) {
        self.commitEvery = commitEvery.map { max(1, $0) }
        self.name = name
        self.consumer = consumer
        self.deadLetters = deadLetters
        self.logger = logger
        self.maxAttempts = maxAttempts
        self.afterDeadLetter = afterDeadLetter
        self.handler = handler
    }

    public func run() async throws {
        logger.info("event consumer started", metadata: ["consumer.name": .string(name)])
        do {
            try await consumeUntilShutdown()
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        logger.info("event consumer stopped", metadata: ["consumer.name": .string(name)])
    }

    private var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    private func consumeUntilShutdown() async throws {
        while !stopping {
            let batch: [ConsumerRecord]
            do {
                batch = try await consumer.poll()
            } catch let error as KafkaError where !error.isFatal {
                logger.warning("event consumer poll failed", metadata: ["kafka.error": "\(error)"])
                continue
            }
            var done = 0
            var committed = 0
            for record in batch {
                guard try await process(record) else { break }
                done += 1
                if let every = commitEvery, done - committed >= every {
                    try await commit(batch[committed..<done])
                    committed = done
                }
            }
            try await commit(batch[committed..<done])
        }
    }

    /// Returns false when shutdown interrupted the retries; the record stays uncommitted.
    private func process(_ record: ConsumerRecord) async throws -> Bool {
        let event: ReceivedEvent
        do {
            event = try ReceivedEvent(record: record)
        } catch {
            return try await deadLetter(record, reason: error.reason.rawValue, detail: error.message)
        }
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await handler(event)
                return true
            } catch let error as PoisonEvent {
                return try await deadLetter(record, reason: error.reason, detail: error.detail)
            } catch let error as EventDecodingError {
                return try await deadLetter(record, reason: error.reason.rawValue, detail: error.message)
            } catch {
                if !error.isTransient && attempt >= maxAttempts {
                    return try await deadLetter(record, reason: "handler-failed",
                                                detail: "gave up after \(attempt) attempts: \(type(of: error))")
                }
                logger.warning("event handling failed; retrying", metadata: [
                    "consumer.name": .string(name), "event.id": .string(event.envelope.id),
                    "event.type": .string(event.envelope.type.rawValue), "retry.attempt": "\(attempt)",
                    "error": .string(error.loggable),
                ])
                if stopping { return false }
                await backOff(attempt)
            }
        }
    }

    private func deadLetter(_ record: ConsumerRecord, reason: String, detail: String) async throws -> Bool {
        logger.warning("event dead-lettered", metadata: [
            "consumer.name": .string(name), "kafka.topic": .string(record.topic),
            "kafka.partition": "\(record.partition)", "kafka.offset": "\(record.offset)",
            "deadletter.reason": .string(reason),
        ])
        guard await untilDoneOrStopping("dead-letter write failed; retrying", {
            try await deadLetters.deadLetter(record, reason: reason, detail: detail)
        }) else { return false }
        guard let afterDeadLetter else { return true }
        // If the report cannot be written before shutdown, the record stays uncommitted and is
        // dead-lettered and reported again after a restart.
        return await untilDoneOrStopping("dead-letter report failed; retrying", { try await afterDeadLetter(record, reason) })
    }

    /// Retries `work` with back-off until it succeeds (true) or shutdown begins (false).
    private func untilDoneOrStopping(_ message: Logger.Message, _ work: () async throws -> Void) async -> Bool {
        var attempt = 0
        while true {
            do {
                try await work()
                return true
            } catch {
                attempt += 1
                if stopping { return false }
                logger.warning(message, metadata: ["consumer.name": .string(name), "error": .string(error.loggable)])
                await backOff(attempt)
            }
        }
    }

    /// Waits 100 ms, doubling per attempt up to 5 s.
    private func backOff(_ attempt: Int) async {
        try? await Task.sleep(for: .milliseconds(min(5_000, 100 << min(attempt, 6))))
    }

    private func commit(_ records: ArraySlice<ConsumerRecord>) async throws {
        guard !records.isEmpty else { return }
        do {
            if case .deferred(let error) = try await consumer.commit(records) {
                // The offsets stay stored; the next commit or the revoke carries them.
                logger.info("commit deferred", metadata: ["consumer.name": .string(name), "kafka.error": "\(error)"])
            }
        } catch let error as KafkaError where !error.isFatal {
            // The offsets stay stored; the next commit or the revoke carries them.
            logger.warning("commit failed", metadata: ["consumer.name": .string(name), "kafka.error": "\(error)"])
        }
    }
}

/// Closes a producer when the service group shuts down. Put it first in the group so it
/// stops last, after every service that produces.
public struct ProducerLifecycleService: Service {
    let producer: KafkaProducer

    public init(producer: KafkaProducer) { self.producer = producer }

    public func run() async throws {
        try? await gracefulShutdown()
        await producer.close()
    }
}
