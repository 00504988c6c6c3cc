import Logging
import NazorgContracts
import NazorgKafka
import ServiceLifecycle

/// Runs one consumer-group member: reads batches, has a ``BatchEventHandler`` decide every
/// event in order, writes what the batch staged (audit records first, acknowledged before
/// the rest), applies the batch's effects, and only then commits its offsets.
///
/// A ``PoisonEvent`` or an undecodable record goes to the dead-letter topic at once. A
/// ``TransientError`` or a retriable ``KafkaError`` (a partner or Kafka away) is retried with
/// back-off for as long as it takes: an outage delays work but never drops it. Any other
/// error is retried `maxAttempts` times and then dead-lettered, so a bug cannot block a
/// partition for good.
///
/// While it retries, the member pauses its partitions and keeps polling, so it stays in
/// its group however long the retry takes (a member that stops polling for
/// `max.poll.interval.ms` is thrown out, and its partitions move while it still works on
/// them). Records a rebalance hands it meanwhile are kept and handled next.
public struct EventConsumerService<Handler: BatchEventHandler>: Service {
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
    /// Complete (write, apply, commit) after this many records of a batch (nil: once per
    /// batch). A consumer whose handling has effects outside Kafka (a partner's webhook)
    /// commits often, so a restart repeats little of what was already done.
    let commitEvery: Int?
    /// Records a consumer span per event handled (``HubTracer/consuming(_:_:)``).
    let tracer: HubTracer
    /// Opens sealed records (``SubjectSealing``); a record sealed under an erased key is
    /// skipped, one that does not open is dead-lettered as it came.
    let keys: SubjectKeyStore?

    public init(name: String, consumer: KafkaConsumer, deadLetters: DeadLetterWriter, logger: Logger,
                maxAttempts: Int = 8, commitEvery: Int? = nil, afterDeadLetter: DeadLetterHook? = nil,
                tracer: HubTracer = .off, keys: SubjectKeyStore? = nil, handler: Handler) {
        self.tracer = tracer
        self.keys = keys
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
        let member = MemberState()
        var flight: Flight?
        while !stopping {
            let batch: [ConsumerRecord]
            if !member.carried.isEmpty {
                batch = member.carried
                member.carried = []
            } else {
                do {
                    batch = try await consumer.poll()
                } catch let error as KafkaError where !error.isFatal {
                    logger.warning("event consumer poll failed", metadata: ["kafka.error": "\(error)"])
                    continue
                }
            }
            // Nothing new: the batch in flight is landed (committed) now rather than later.
            if batch.isEmpty, let landing = flight {
                flight = nil
                guard try await land(landing, member) else { return }
                continue
            }
            let chunkSize = commitEvery ?? max(1, batch.count)
            var start = batch.startIndex
            while start < batch.endIndex {
                let end = min(start + chunkSize, batch.endIndex)
                let chunk = try await stageChunk(batch[start..<end], member)
                let overlaps = commitEvery == nil && !chunk.interrupted && !chunk.done.isEmpty
                // The previous batch's records go out before this one's (order per key).
                var written: StagedChunk?
                if let landing = flight {
                    flight = nil
                    let step = await landing.attempt.value
                    if step == 3 && overlaps {
                        written = landing.chunk
                    } else {
                        guard try await settle(landing.chunk, from: step, member) else { return }
                    }
                }
                if overlaps {
                    // Its records are written while the next batch is polled and staged.
                    flight = Flight(chunk: chunk, attempt: Task { await writeOnce(chunk) })
                } else {
                    guard try await settle(chunk, from: 0, member) else { return }
                }
                // The previous batch, written and applied, is committed while this one is written.
                if let written { guard try await settle(written, from: 3, member) else { return } }
                if chunk.interrupted { return }
                start = end
            }
        }
        if let landing = flight { _ = try await land(landing, member) }
    }

    /// A staged chunk of a batch: the records handled (staged or dead-lettered), what they
    /// staged, and whether shutdown cut staging short.
    private struct StagedChunk: Sendable {
        var done: ArraySlice<ConsumerRecord>
        var staged: StagedRecords
        var effects: [Handler.Effect]
        var interrupted: Bool
        var started: ContinuousClock.Instant
    }

    /// A batch whose records are being written by a task of their own, tried once.
    private struct Flight {
        let chunk: StagedChunk
        /// Resolves to the write step reached: 3 means written and applied.
        let attempt: Task<Int, Never>
    }

    /// Waits for a batch in flight and completes it: a write that failed is retried from the
    /// step it reached, with the usual back-off, and the batch is committed.
    private func land(_ flight: Flight, _ member: MemberState) async throws -> Bool {
        let step = await flight.attempt.value
        return try await settle(flight.chunk, from: step, member)
    }

    /// One try at the three steps of writing a batch, without retries; returns the step reached.
    private func writeOnce(_ chunk: StagedChunk) async -> Int {
        var step = 0
        do {
            try await write(chunk.staged, chunk.effects, step: &step)
        } catch {
            if step == 0 { HubMetrics.disclosureLogFailures(reason: Self.failureCode(error)) }
            logger.info("batch in flight not written at once; retrying in order", metadata: [
                "consumer.name": .string(name), "batch.step": "\(step)", "error": .string(error.loggable),
            ])
        }
        return step
    }

    /// Stages every record of `records` in order; stops early when shutdown interrupts a retry.
    private func stageChunk(_ records: ArraySlice<ConsumerRecord>, _ member: MemberState) async throws -> StagedChunk {
        let started = ContinuousClock.now
        var staged = StagedRecords()
        var effects: [Handler.Effect] = []
        var seen = Set<String>()
        var handled = records.startIndex
        var interrupted = false
        let read = records.map { record in Result { () throws(EventDecodingError) in try ReceivedEvent(record: record) } }
        guard let decoded = await openSealed(read, member) else {
            return StagedChunk(done: records[records.startIndex..<records.startIndex], staged: staged, effects: effects,
                               interrupted: true, started: started)
        }
        let readable = decoded.compactMap { result -> ReceivedEvent? in
            if case .success(.ready(let event)) = result { event } else { nil }
        }
        do {
            try await handler.prepare(readable)
        } catch {
            logger.warning("batch not prepared; its events read alone", metadata: [
                "consumer.name": .string(name), "error": .string(error.loggable),
            ])
        }
        for (record, result) in zip(records, decoded) {
            let event: ReceivedEvent
            do throws(EventDecodingError) {
                switch try result.get() {
                case .ready(let ready):
                    event = ready
                case .erased:
                    HubMetrics.erasedRecords(service: service, topic: record.topic)
                    handled += 1
                    continue
                case .unreadable(_, let error):
                    throw error
                }
            } catch {
                guard try await deadLetter(record, reason: error.reason.rawValue, detail: error.message, member) else {
                    interrupted = true
                    break
                }
                handled += 1
                continue
            }
            // A record repeated within one batch (a producer's retry upstream) is the same event.
            if seen.insert(event.envelope.source + "\u{1F}" + event.envelope.id).inserted {
                let outcome = try await tracer.consuming(event) { span in
                    let outcome = try await stage(event, member)
                    span.set(.outcome(outcome.code))
                    return outcome
                }
                switch outcome {
                case .staged(let effect, let records):
                    effects.append(effect)
                    staged.append(records)
                case .deadLettered:
                    break
                case .interrupted:
                    interrupted = true
                }
                if interrupted { break }
            }
            handled += 1
        }
        return StagedChunk(done: records[records.startIndex..<handled], staged: staged, effects: effects,
                           interrupted: interrupted, started: started)
    }

    /// Opens the sealed records of a chunk, retrying while the key store fails; nil when
    /// shutdown came first.
    private func openSealed(_ read: [Result<ReceivedEvent, EventDecodingError>],
                            _ member: MemberState) async -> [Result<OpenedEvent, EventDecodingError>]? {
        let events = read.compactMap { try? $0.get() }
        var attempt = 0
        while true {
            do {
                var opened = try SubjectSealing.open(events, with: keys)[...]
                return read.map { result in result.map { _ in opened.removeFirst() } }
            } catch {
                attempt += 1
                logger.warning("subject key store unavailable; retrying", metadata: [
                    "consumer.name": .string(name), "retry.attempt": "\(attempt)", "error": .string(error.loggable),
                ])
                if stopping { return nil }
                await backOff(attempt, member)
            }
        }
    }

    /// Writes what a chunk staged (from `step` on), applies its effects and commits it.
    /// Returns false when shutdown interrupted it; what was not committed is read again
    /// after a restart.
    private func settle(_ chunk: StagedChunk, from step: Int, _ member: MemberState) async throws -> Bool {
        let done = chunk.done
        guard !done.isEmpty else { return !chunk.interrupted }
        switch await write(chunk.staged, chunk.effects, from: step, member) {
        case .written:
            try await commit(done)
            count(done, produced: chunk.staged, since: chunk.started)
            return !chunk.interrupted
        case .stopped:
            return false
        case .refused(let error) where done.count > 1:
            // One event's records are refused for good (too large, say): complete the events
            // one by one, so only that event goes to the dead letters. Staging again is
            // harmless, as staging must be.
            logger.warning("batch output refused; completing its events one by one", metadata: [
                "consumer.name": .string(name), "error": .string(error.loggable),
            ])
            for index in done.indices {
                guard try await settle(try await stageChunk(done[index...index], member), from: 0, member) else { return false }
            }
            return !chunk.interrupted
        case .refused(let error):
            guard let record = done.first, try await deadLetter(record, reason: "output-refused",
                                                                 detail: "its output was refused: \(type(of: error))", member)
            else { return false }
            try await commit(done)
            count(done, produced: StagedRecords(), since: chunk.started)
            return !chunk.interrupted
        }
    }

    /// The service's name in metrics: adapters run one consumer per partner under one name.
    private var service: String { deadLetters.service }

    private func count(_ done: ArraySlice<ConsumerRecord>, produced staged: StagedRecords, since started: ContinuousClock.Instant) {
        for (topic, records) in Dictionary(grouping: done, by: \.topic) {
            HubMetrics.recordsConsumed(topic: topic, service: service, count: records.count)
        }
        for (topic, records) in Dictionary(grouping: staged.topics, by: { $0 }) {
            HubMetrics.recordsProduced(topic: topic, service: service, count: records.count)
        }
        HubMetrics.processingDuration(service: service, ContinuousClock.now - started, count: done.count)
    }

    private enum WriteOutcome {
        case written
        case stopped
        case refused(any Error)
    }

    /// Writes the staged audit records and waits for them, then the other records, then
    /// applies the effects, starting at `step`. A step that failed is retried from where it
    /// failed.
    private func write(_ staged: StagedRecords, _ effects: [Handler.Effect], from start: Int,
                       _ member: MemberState) async -> WriteOutcome {
        var step = start
        var attempt = 0
        while true {
            do {
                try await write(staged, effects, step: &step)
                await member.resumeIfPaused(consumer, logger)
                return .written
            } catch {
                attempt += 1
                if step == 0 { HubMetrics.disclosureLogFailures(reason: Self.failureCode(error)) }
                if stopping { return .stopped }
                if !error.isTransient && attempt >= maxAttempts { return .refused(error) }
                logger.warning("batch output not written; retrying", metadata: [
                    "consumer.name": .string(name), "batch.step": "\(step)", "retry.attempt": "\(attempt)",
                    "error": .string(error.loggable),
                ])
                await backOff(attempt, member)
            }
        }
    }

    /// The three steps of writing a batch, from `step` on; `step` tells how far it got.
    /// The disclosure log is acknowledged before anything it records is written.
    private func write(_ staged: StagedRecords, _ effects: [Handler.Effect], step: inout Int) async throws {
        let producer = deadLetters.producer
        var built: [ProducerRecord]?
        if step == 0 {
            if !staged.audit.isEmpty {
                // The second wave is encoded while the first waits for its acknowledgements.
                async let rest = staged.builtRecords()
                try await producer.send(batch: try staged.builtAudit())
                built = try await rest
            }
            step = 1
        }
        if step == 1 {
            let records = try built ?? staged.builtRecords()
            if !records.isEmpty { try await producer.send(batch: records) }
            step = 2
        }
        if step == 2 {
            try await handler.finish(effects)
            step = 3
        }
    }

    private enum StageOutcome {
        case staged(Handler.Effect, StagedRecords)
        case deadLettered
        case interrupted

        /// The outcome of an event's span.
        var code: String {
            switch self {
            case .staged: "handled"
            case .deadLettered: "dead-lettered"
            case .interrupted: "interrupted"
            }
        }
    }

    private func stage(_ event: ReceivedEvent, _ member: MemberState) async throws -> StageOutcome {
        let record = event.record
        var attempt = 0
        while true {
            attempt += 1
            var records = StagedRecords()
            do {
                let effect = try await handler.stage(event, into: &records)
                await member.resumeIfPaused(consumer, logger)
                return .staged(effect, records)
            } catch let error as PoisonEvent {
                return try await deadLetter(record, reason: error.reason, detail: error.detail, member) ? .deadLettered : .interrupted
            } catch let error as EventDecodingError {
                return try await deadLetter(record, reason: error.reason.rawValue, detail: error.message, member)
                    ? .deadLettered : .interrupted
            } catch {
                if !error.isTransient && attempt >= maxAttempts {
                    return try await deadLetter(record, reason: "handler-failed",
                                                detail: "gave up after \(attempt) attempts: \(type(of: error))", member)
                        ? .deadLettered : .interrupted
                }
                logger.warning("event handling failed; retrying", metadata: [
                    "consumer.name": .string(name), "event.id": .string(event.envelope.id),
                    "event.type": .string(event.envelope.type.rawValue), "retry.attempt": "\(attempt)",
                    "error": .string(error.loggable),
                ])
                if stopping { return .interrupted }
                await backOff(attempt, member, atLeast: error.requestedWait)
            }
        }
    }

    private func deadLetter(_ record: ConsumerRecord, reason: String, detail: String, _ member: MemberState) async throws -> Bool {
        logger.warning("event dead-lettered", metadata: [
            "consumer.name": .string(name), "kafka.topic": .string(record.topic),
            "kafka.partition": "\(record.partition)", "kafka.offset": "\(record.offset)",
            "deadletter.reason": .string(reason),
        ])
        TraceSpan.current?.fail(errorType: reason)
        guard await untilDoneOrStopping("dead-letter write failed; retrying", member, {
            try await deadLetters.deadLetter(record, reason: reason, detail: detail)
        }) else { return false }
        HubMetrics.deadLetters(service: service, reason: reason)
        HubMetrics.recordsProduced(topic: Topics.deadLetter, service: service)
        guard let afterDeadLetter else { return true }
        // If the report cannot be written before shutdown, the record stays uncommitted and is
        // dead-lettered and reported again after a restart.
        return await untilDoneOrStopping("dead-letter report failed; retrying", member, {
            try await afterDeadLetter(record, reason)
        })
    }

    /// Retries `work` with back-off until it succeeds (true) or shutdown begins (false).
    private func untilDoneOrStopping(_ message: Logger.Message, _ member: MemberState,
                                     _ work: () async throws -> Void) async -> Bool {
        var attempt = 0
        while true {
            do {
                try await work()
                await member.resumeIfPaused(consumer, logger)
                return true
            } catch {
                attempt += 1
                if stopping { return false }
                logger.warning(message, metadata: ["consumer.name": .string(name), "error": .string(error.loggable)])
                await backOff(attempt, member)
            }
        }
    }

    /// Waits 100 ms, doubling per attempt up to 5 s, or longer when the error asked for
    /// longer, with the member's partitions paused and the consumer polled throughout, so the
    /// group keeps it.
    private func backOff(_ attempt: Int, _ member: MemberState, atLeast requested: Duration? = nil) async {
        HubMetrics.retries(service: service)
        let until = ContinuousClock.now + max(.milliseconds(min(5_000, 100 << min(attempt, 6))), requested ?? .zero)
        await member.pause(consumer, logger)
        while !stopping {
            let left = until - ContinuousClock.now
            guard left > .zero else { return }
            do {
                let records = try await consumer.poll(timeout: min(left, .milliseconds(200)))
                if !records.isEmpty {
                    // A rebalance gave this member partitions that were not paused: keep what
                    // they delivered for after the retry, and pause them too.
                    member.carried += records
                    member.paused = false
                    await member.pause(consumer, logger)
                }
            } catch {
                try? await Task.sleep(for: min(left, .milliseconds(100)))
            }
        }
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

extension EventConsumerService where Handler == EachEventHandler {
    /// A consumer whose handler does all its work per event, in order.
    public init(name: String, consumer: KafkaConsumer, deadLetters: DeadLetterWriter, logger: Logger,
                maxAttempts: Int = 8, commitEvery: Int? = nil, afterDeadLetter: DeadLetterHook? = nil,
                tracer: HubTracer = .off, keys: SubjectKeyStore? = nil, handler: @escaping EachEventHandler.Handle) {
        self.init(name: name, consumer: consumer, deadLetters: deadLetters, logger: logger, maxAttempts: maxAttempts,
                  commitEvery: commitEvery, afterDeadLetter: afterDeadLetter, tracer: tracer, keys: keys,
                  handler: EachEventHandler(handler))
    }
}

extension EventConsumerService {
    /// A short code for a failed write, safe as a metric label: the Kafka error's kind, or
    /// the error's type.
    static func failureCode(_ error: any Error) -> String {
        if let kafka = error as? KafkaError { return "kafka-\(kafka.kind.rawValue)" }
        return error.isTransient ? "transient" : "other"
    }
}

/// What one running member remembers between batches: whether its partitions are paused
/// for a retry, and records a rebalance delivered during one. Used by one task only.
private final class MemberState {
    var paused = false
    var carried: [ConsumerRecord] = []

    func pause(_ consumer: KafkaConsumer, _ logger: Logger) async {
        guard !paused else { return }
        do {
            try await consumer.pauseAssignment()
            paused = true
        } catch {
            logger.warning("partitions not paused for the retry", metadata: ["error": .string(error.loggable)])
        }
    }

    func resumeIfPaused(_ consumer: KafkaConsumer, _ logger: Logger) async {
        guard paused else { return }
        do {
            try await consumer.resumeAssignment()
            paused = false
        } catch {
            logger.warning("partitions not resumed after the retry", metadata: ["error": .string(error.loggable)])
        }
    }
}

/// Closes a producer when the service group shuts down. Put it first in the group so it
/// stops last, after every service that produces.
///
/// With `writes`, it first learns the partitions and leaders of every topic in the cluster
/// that the service writes (`writes(name)`), so that the first record to each after a start
/// (a retraction to a partner, say) does not wait for a metadata round of its own.
public struct ProducerLifecycleService: Service {
    let producer: KafkaProducer
    let writes: (@Sendable (String) -> Bool)?
    let logger: Logger?

    public init(producer: KafkaProducer, writes: (@Sendable (String) -> Bool)? = nil, logger: Logger? = nil) {
        self.producer = producer
        self.writes = writes
        self.logger = logger
    }

    public func run() async throws {
        if let writes {
            let topics = await producer.topicNames().filter(writes).sorted()
            let missing = await producer.prepare(topics: topics)
            logger?.info("producer prepared its topics", metadata: ["kafka.topics": "\(topics.count - missing.count)",
                                                                   "kafka.topics.unprepared": "\(missing.count)"])
        }
        try? await gracefulShutdown()
        await producer.close()
    }
}
