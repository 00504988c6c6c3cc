import CRdKafka
import Dispatch
import Logging
import Synchronization

/// A consumer-group member that hands out batches and commits only what the caller
/// says it processed.
///
/// Auto-commit is off and offsets are stored only by `commit(_:)`. When partitions are
/// revoked in a rebalance, whatever was stored is committed before they are released,
/// so the next owner continues exactly after the last processed record.
public final class KafkaConsumer: Sendable {
    private let client: NativeClient
    private let queue: QueueHandle
    private let options: ConsumerOptions
    private let logger: Logger
    private let closed = Atomic<Bool>(false)
    /// Set on the blocking queue when the handle is destroyed; every block on that queue
    /// checks it, so none can touch a destroyed handle.
    private let destroyed = RunFlag(initially: false)
    /// Every librdkafka call that may block runs on this serial queue: one at a time, and
    /// never on the cooperative pool.
    private let blockingQueue = DispatchQueue(label: "nazorg.kafka.consumer")

    /// Throws ``KafkaError`` (kind `permanent`) when `options` or `configuration` are not usable.
    public init(configuration: KafkaConfiguration, options: ConsumerOptions, logger: Logger) throws {
        try options.validate()
        self.options = options
        self.logger = logger
        let defaults: [String: String] = [
            "group.id": options.groupID,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": options.startFrom.rawValue,
            "enable.partition.eof": "false",
            "fetch.wait.max.ms": "100",
            // Small requests (fetches, commits, heartbeats) go out at once, as the producer's do.
            "socket.nagle.disable": "true",
            "session.timeout.ms": "10000",
            "heartbeat.interval.ms": "1000",
        ]
        let client = try NativeClient(kind: RD_KAFKA_CONSUMER, configuration: configuration,
                                      defaults: defaults, logger: logger) { conf in
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk else { return }
                rebalance(rk, err, partitions, opaque)
            }
        }
        self.client = client
        let redirected = rd_kafka_poll_set_consumer(client.handle)
        guard redirected == RD_KAFKA_RESP_ERR_NO_ERROR, let consumerQueue = rd_kafka_queue_get_consumer(client.handle) else {
            client.destroyBlocking()
            throw KafkaError(redirected == RD_KAFKA_RESP_ERR_NO_ERROR ? RD_KAFKA_RESP_ERR__STATE : redirected,
                             while: "joining consumer group \(options.groupID)")
        }
        self.queue = QueueHandle(pointer: consumerQueue)
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: options.topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in options.topics {
            rd_kafka_topic_partition_list_add(list, topic, nazorg_partition_unassigned())
        }
        let err = rd_kafka_subscribe(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_queue_destroy(consumerQueue)
            client.destroyBlocking()
            throw KafkaError(err, while: "subscribing to \(options.topics.joined(separator: ","))")
        }
    }

    /// Waits up to the poll timeout for records and returns at most `maxBatchSize` of them
    /// (an empty batch when none arrived). Rebalances are served during this call.
    public func poll() async throws -> [ConsumerRecord] {
        try await poll(timeout: options.pollTimeout)
    }

    /// Like ``poll()``, waiting at most `timeout` for the first record.
    public func poll(timeout: Duration) async throws -> [ConsumerRecord] {
        guard !closed.load(ordering: .relaxed) else { throw KafkaError.closed("consumer") }
        try client.checkFatal()
        let (queue, logger, max) = (self.queue, self.logger, options.maxBatchSize)
        let ms = timeout.clampedMilliseconds
        let destroyed = self.destroyed
        return try await runBlocking(on: blockingQueue) {
            guard !destroyed.isSet else { throw KafkaError.closed("consumer") }
            return try consumeBatch(queue: queue.pointer, timeoutMilliseconds: ms, max: max, logger: logger)
        }
    }

    /// Batches as they arrive; ends when the consumer is closed or the task is cancelled.
    public var batches: Batches { Batches(consumer: self) }

    /// Marks `records` processed and commits, per partition, the offset after the highest one.
    ///
    /// Partitions this member no longer owns are skipped: their records will be read again
    /// by the new owner (at-least-once).
    ///
    /// A commit the broker cannot take right now for a passing reason (the group is
    /// rebalancing, the coordinator is moving or unreachable, the request timed out) is not a
    /// failure of the consumer: the call returns ``CommitOutcome/deferred(_:)``, the offsets
    /// stay stored and go with the next commit (or the commit on revoke), and at worst the
    /// partition's next owner reads those records again. Only fatal and permanent errors
    /// are thrown (see ``KafkaError/Kind``).
    @discardableResult
    public func commit<Records: Collection<ConsumerRecord>>(_ records: Records) async throws -> CommitOutcome {
        guard !records.isEmpty else { return .committed }
        guard !closed.load(ordering: .relaxed) else { throw KafkaError.closed("consumer") }
        var next: [TopicPartition: Int64] = [:]
        for record in records {
            let tp = TopicPartition(topic: record.topic, partition: record.partition)
            next[tp] = Swift.max(next[tp] ?? 0, record.offset + 1)
        }
        let client = self.client
        let logger = self.logger
        let offsets = next
        let destroyed = self.destroyed
        client.context.processedOffsets.withLock { processed in
            for (tp, offset) in offsets { processed[tp] = Swift.max(processed[tp] ?? 0, offset) }
        }
        return try await runBlocking(on: blockingQueue) {
            guard !destroyed.isSet else { throw KafkaError.closed("consumer") }
            let list = rd_kafka_topic_partition_list_new(Int32(clamping: offsets.count))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for (tp, offset) in offsets {
                rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)?.pointee.offset = offset
            }
            let stored = rd_kafka_offsets_store(client.handle, list)
            if stored != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.info("kafka offsets not stored for partitions no longer assigned", metadata: [
                    "kafka.code": .string(String(cString: rd_kafka_err2name(stored))),
                ])
            }
            let err = rd_kafka_commit(client.handle, nil, 0)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET { return .committed }
            let error = KafkaError(err, while: "committing consumer offsets")
            if error.isRetriable { return .deferred(error) }
            throw error
        }
    }

    /// Stops fetching from every partition this member owns now, so that `poll` returns no
    /// new records of them while the caller retries work it already holds. The member stays
    /// in its group as long as it keeps calling `poll`: a consumer that stopped polling
    /// during a long retry would pass `max.poll.interval.ms` and be thrown out of the group.
    ///
    /// Partitions assigned in a later rebalance are not paused; call this again after a
    /// poll that returned records.
    public func pauseAssignment() async throws {
        try await changeAssignmentFetching(pause: true)
    }

    /// Fetches again from every partition this member owns, from the position after the last
    /// record `poll` handed out.
    public func resumeAssignment() async throws {
        try await changeAssignmentFetching(pause: false)
    }

    private func changeAssignmentFetching(pause: Bool) async throws {
        guard !closed.load(ordering: .relaxed) else { throw KafkaError.closed("consumer") }
        let (client, destroyed) = (self.client, self.destroyed)
        try await runBlocking(on: blockingQueue) {
            guard !destroyed.isSet else { throw KafkaError.closed("consumer") }
            try withAssignment(client) { list in
                guard list.pointee.cnt > 0 else { return }
                let changed = pause ? rd_kafka_pause_partitions(client.handle, list) : rd_kafka_resume_partitions(client.handle, list)
                guard changed == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(changed, while: pause ? "pausing partitions" : "resuming partitions")
                }
            }
        }
    }

    /// The partitions currently assigned to this member.
    public func assignment() async throws -> [TopicPartition] {
        let (client, destroyed) = (self.client, self.destroyed)
        return try await runBlocking(on: blockingQueue) {
            guard !destroyed.isSet else { throw KafkaError.closed("consumer") }
            return try withAssignment(client) { list in
                (0..<Int(list.pointee.cnt)).map { i in
                    let element = list.pointee.elems[i]
                    return TopicPartition(topic: String(cString: element.topic), partition: element.partition)
                }
            }
        }
    }

    /// Commits what was stored, leaves the group (so others take over at once) and
    /// releases the client. Records handed out but not committed will be read again.
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let (client, queue, logger, destroyed) = (self.client, self.queue, self.logger, self.destroyed)
        _ = try? await runBlocking(on: blockingQueue) {
            destroyed.set()
            let err = rd_kafka_consumer_close(client.handle)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("kafka consumer did not leave its group cleanly", metadata: [
                    "kafka.code": .string(String(cString: rd_kafka_err2name(err))),
                ])
            }
            rd_kafka_queue_destroy(queue.pointer)
            client.destroyBlocking()
        }
    }

    /// Closes without committing or leaving the group, as a crashed process would.
    /// Only for tests of recovery: the group notices after the session timeout.
    public func abandonForTesting() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        let (client, queue, destroyed) = (self.client, self.queue, self.destroyed)
        _ = try? await runBlocking(on: blockingQueue) {
            destroyed.set()
            rd_kafka_queue_destroy(queue.pointer)
            // Without consumer_close, destroy does not commit; the group sees the member vanish.
            rd_kafka_destroy_flags(client.handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        }
    }

    /// An AsyncSequence of non-empty batches.
    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = [ConsumerRecord]
        let consumer: KafkaConsumer

        public struct AsyncIterator: AsyncIteratorProtocol {
            let consumer: KafkaConsumer

            public mutating func next() async throws -> [ConsumerRecord]? {
                while !Task.isCancelled && !consumer.closed.load(ordering: .relaxed) {
                    let batch: [ConsumerRecord]
                    do {
                        batch = try await consumer.poll()
                    } catch where consumer.closed.load(ordering: .relaxed) {
                        // Closed while this poll was starting: the sequence ends, it does not fail.
                        return nil
                    }
                    if !batch.isEmpty { return batch }
                }
                return nil
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }
    }
}

/// What became of a ``KafkaConsumer/commit(_:)``.
public enum CommitOutcome: Sendable, Equatable {
    /// The group coordinator took the offsets.
    case committed
    /// The broker could not take the commit now for a passing reason (the error is
    /// retriable: a rebalance, a coordinator moving or away, a time-out). The offsets stay
    /// stored in the client and go with the next commit; nothing needs to be done.
    case deferred(KafkaError)
}

/// A topic and partition.
public struct TopicPartition: Sendable, Hashable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}

struct QueueHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Runs `body` with the member's current assignment. Runs on the consumer's queue.
private func withAssignment<T>(_ client: NativeClient,
                               _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> T) throws -> T {
    var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    let err = rd_kafka_assignment(client.handle, &list)
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError(err, while: "reading the consumer's assignment") }
    defer { rd_kafka_topic_partition_list_destroy(list) }
    return try body(list)
}

/// Serves a rebalance on the consumer's own thread (inside a poll).
private func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t,
                       _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?) {
    let context = opaque.map { Unmanaged<ClientContext>.fromOpaque($0).takeUnretainedValue() }
    let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
    let count = partitions.map { Int($0.pointee.cnt) } ?? 0
    switch err {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        context?.logger.info("kafka partitions assigned", metadata: ["kafka.partitions": "\(count)"])
        if let context, let partitions { resumeProcessedPartitions(rk, context, partitions) }
        if cooperative {
            if let error = rd_kafka_incremental_assign(rk, partitions) {
                logRebalanceFailure(context, KafkaError(error: error, while: "taking assigned partitions"))
                rd_kafka_error_destroy(error)
            }
        } else {
            let err = rd_kafka_assign(rk, partitions)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logRebalanceFailure(context, KafkaError(err, while: "taking assigned partitions"))
            }
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        // Commit what the application marked processed before another member takes over.
        let committed = rd_kafka_commit(rk, nil, 0)
        if committed == RD_KAFKA_RESP_ERR_NO_ERROR || committed == RD_KAFKA_RESP_ERR__NO_OFFSET {
            // The group has our progress; the next owner starts from the committed offsets.
            context?.processedOffsets.withLock { $0.removeAll() }
        } else {
            context?.logger.warning("kafka commit on revoke failed", metadata: [
                "kafka.code": .string(String(cString: rd_kafka_err2name(committed))),
            ])
        }
        context?.logger.info("kafka partitions revoked", metadata: ["kafka.partitions": "\(count)"])
        if cooperative {
            if let error = rd_kafka_incremental_unassign(rk, partitions) {
                logRebalanceFailure(context, KafkaError(error: error, while: "releasing revoked partitions"))
                rd_kafka_error_destroy(error)
            }
        } else {
            rd_kafka_assign(rk, nil)
        }
    default:
        context?.logger.warning("kafka rebalance error", metadata: [
            "kafka.code": .string(String(cString: rd_kafka_err2name(err))),
        ])
        rd_kafka_assign(rk, nil)
    }
}

private func logRebalanceFailure(_ context: ClientContext?, _ error: KafkaError) {
    context?.logger.warning("kafka rebalance step failed", metadata: ["kafka.error": "\(error)"])
}

/// When the broker refused the commit on revoke and the same partitions come back to this
/// member, start them after the last processed record rather than at the older committed
/// offset. Progress on partitions that went elsewhere is forgotten: their new owner decides.
private func resumeProcessedPartitions(_ rk: OpaquePointer, _ context: ClientContext,
                                       _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
    context.processedOffsets.withLock { processed in
        guard !processed.isEmpty else { return }
        var kept: [TopicPartition: Int64] = [:]
        for i in 0..<Int(partitions.pointee.cnt) {
            let element = partitions.pointee.elems[i]
            let tp = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            if let offset = processed[tp] {
                partitions.pointee.elems[i].offset = offset
                kept[tp] = offset
            }
        }
        processed = kept
    }
}

/// One blocking batch read, copied into Swift values. Runs on the consumer's queue.
private func consumeBatch(queue: OpaquePointer, timeoutMilliseconds: Int32, max: Int, logger: Logger) throws -> [ConsumerRecord] {
    let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: max)
    defer { buffer.deallocate() }
    // rd_kafka_consume_batch_queue waits for a full batch until its time-out, which would
    // delay a half-full batch by the whole poll time. So: take what is there; if nothing is,
    // wait for the first record only, then take what arrived with it.
    var n = rd_kafka_consume_batch_queue(queue, 0, buffer, max)
    if n == 0, let firstRecord = rd_kafka_consume_queue(queue, timeoutMilliseconds) {
        buffer[0] = firstRecord
        let rest = max > 1 ? rd_kafka_consume_batch_queue(queue, 0, buffer + 1, max - 1) : 0
        n = 1 + Swift.max(rest, 0)
    }
    guard n >= 0 else { throw KafkaError(rd_kafka_last_error(), while: "reading a batch") }
    var records: [ConsumerRecord] = []
    records.reserveCapacity(n)
    var topicNames: [OpaquePointer: String] = [:]
    // Every message goes back to librdkafka, also when a fatal error ends the loop early:
    // an undestroyed message would block the consumer's close.
    defer { for i in 0..<n { if let message = buffer[i] { rd_kafka_message_destroy(message) } } }
    for i in 0..<n {
        guard let message = buffer[i] else { continue }
        let m = message.pointee
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
            let error = KafkaError(m.err, while: "consuming")
            if error.isFatal { throw error }
            logger.warning("kafka consumer error", metadata: ["kafka.error": "\(error)"])
            continue
        }
        var topic = ""
        if let rkt = m.rkt {
            if let cached = topicNames[rkt] { topic = cached } else {
                topic = String(cString: rd_kafka_topic_name(rkt))
                topicNames[rkt] = topic
            }
        }
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &tsType)
        records.append(ConsumerRecord(topic: topic, partition: m.partition, offset: m.offset, key: key, value: value,
                                      headers: readHeaders(message),
                                      timestampMilliseconds: tsType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts))
    }
    return records
}

private func readHeaders(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
    var headers: OpaquePointer?
    guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
    var result: [KafkaHeader] = []
    var index = 0
    while true {
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let name else { break }
        result.append(KafkaHeader(key: String(cString: name),
                                  value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
        index += 1
    }
    return result
}
