import CRdKafka
import Dispatch
import Foundation
import Logging
import Synchronization

/// An idempotent Kafka producer (`acks=all` by default).
///
/// `send` returns only once the broker acknowledged the record, so a caller may answer
/// its own client or commit its input after it returns.
public final class KafkaProducer: Sendable {
    /// Settings applied unless the configuration's pass-through properties say otherwise.
    public static let defaultProperties: [String: String] = [
        "enable.idempotence": "true",
        "acks": "all",
        "linger.ms": "5",
        "batch.num.messages": "10000",
        "queue.buffering.max.messages": "1000000",
        "queue.buffering.max.kbytes": "1048576",
        "message.timeout.ms": "30000",
        "socket.nagle.disable": "true",
    ]

    private let client: NativeClient
    private let logger: Logger
    private let running = RunFlag()
    private let closed = Atomic<Bool>(false)
    /// Calls that use the handle right now; `close` destroys it only once this is zero.
    private let inFlight = Atomic<Int>(0)
    /// Blocking calls (flush, metadata, destroy) run here, never on the cooperative pool.
    private let blockingQueue = DispatchQueue(label: "nazorg.kafka.producer.blocking")
    private let pollStopped = DispatchSemaphore(value: 0)

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        self.logger = logger
        self.client = try NativeClient(kind: RD_KAFKA_PRODUCER, configuration: configuration,
                                       defaults: Self.defaultProperties, logger: logger) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message, let opaque = message.pointee._private else { return }
                DeliveryWaiter.settle(opaque: opaque, with: message)
            }
        }
        // Delivery reports and error callbacks are served by rd_kafka_poll, which blocks;
        // it gets a thread of its own so it never occupies the cooperative pool.
        let client = self.client
        let running = self.running
        let stopped = self.pollStopped
        Thread.detachNewThread {
            while running.isSet {
                rd_kafka_poll(client.handle, 100)
            }
            stopped.signal()
        }
    }

    /// Produces one record and waits for the broker's acknowledgement.
    ///
    /// Cancelling the calling task stops a record that waits for room in the local queue
    /// (the call throws `CancellationError`); a record already queued is waited for first.
    @discardableResult
    public func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        try enter()
        defer { leave() }
        let waiter = DeliveryWaiter(wantsReport: true)
        try await sealAfterEnqueueing(waiter) { try await enqueue(record, waiter) }
        guard let report = try await waiter.wait() else {
            throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, while: "producing to \(record.topic)", detail: "no delivery report")
        }
        return report
    }

    /// Produces many records and waits until all are acknowledged; throws the first failure.
    /// Records with one key keep their order. On failure some records may have been stored.
    ///
    /// Cancelling the calling task stops enqueueing; the call then waits for the reports of
    /// the records already queued and throws `CancellationError`.
    public func send<Records: Sequence<ProducerRecord>>(batch records: Records) async throws {
        try enter()
        defer { leave() }
        let waiter = DeliveryWaiter(wantsReport: false)
        try await sealAfterEnqueueing(waiter) {
            for record in records { try await enqueue(record, waiter) }
        }
        _ = try await waiter.wait()
    }

    /// Runs `body`, which enqueues records for `waiter`, then seals the waiter. When `body`
    /// throws, for any reason including cancellation, the records it already queued are
    /// waited for before the error is rethrown: a `send` never returns while records of its
    /// own are still in librdkafka's hands.
    private func sealAfterEnqueueing(_ waiter: DeliveryWaiter, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            waiter.seal(error: error as? KafkaError)
            _ = try? await waiter.wait()
            throw error
        }
        waiter.seal()
    }

    /// Marks a call that uses the handle; throws once the producer is closing.
    private func enter() throws {
        inFlight.add(1, ordering: .sequentiallyConsistent)
        if closed.load(ordering: .sequentiallyConsistent) {
            inFlight.subtract(1, ordering: .sequentiallyConsistent)
            throw KafkaError.closed("producer")
        }
    }

    private func leave() { inFlight.subtract(1, ordering: .sequentiallyConsistent) }

    private func enqueue(_ record: ProducerRecord, _ waiter: DeliveryWaiter) async throws {
        try client.checkFatal()
        // A producer that is closing takes no more records; what it queued before is settled by close.
        guard !closed.load(ordering: .sequentiallyConsistent) else { throw KafkaError.closed("producer") }
        // librdkafka owns the headers once it accepts the record; until then they are ours to free.
        var headers = makeHeaders(record.headers)
        defer { if let headers { rd_kafka_headers_destroy(headers) } }
        while true {
            let opaque = waiter.reserve()
            let err = record.value.withUnsafeBytes { value in
                withOptionalBytes(record.key) { keyPointer, keyCount in
                    nazorg_produce(client.handle, record.topic, record.partition ?? nazorg_partition_unassigned(),
                                   keyPointer, keyCount, value.baseAddress, value.count, headers, opaque)
                }
            }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers = nil
                return
            }
            DeliveryWaiter.enqueueFailed(opaque: opaque)
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !closed.load(ordering: .relaxed) {
                // The local queue drains as the broker acknowledges; wait without blocking a thread.
                // Cancellation ends the wait here; the caller settles what was queued before.
                try await Task.sleep(for: .milliseconds(1))
                continue
            }
            throw KafkaError(err, while: "producing to \(record.topic)")
        }
    }

    private func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let list = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { _ = rd_kafka_header_add(list, header.key, -1, $0.baseAddress, $0.count) }
            } else {
                _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
            }
        }
        return list
    }

    /// Waits until every outstanding record is acknowledged or `timeout` passes.
    public func flush(timeout: Duration = .seconds(10)) async throws {
        try enter()
        defer { leave() }
        try await flushUnchecked(timeout: timeout)
    }

    private func flushUnchecked(timeout: Duration) async throws {
        let client = self.client
        let ms = timeout.clampedMilliseconds
        let err = try await runBlocking(on: blockingQueue) { rd_kafka_flush(client.handle, ms) }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, while: "flushing the producer") }
    }

    /// Records in librdkafka's hands (queued, in flight, or waiting for their report).
    /// A counter read, it does not block.
    var outstandingRecordCount: Int {
        guard (try? enter()) != nil else { return 0 }
        defer { leave() }
        return Int(rd_kafka_outq_len(client.handle))
    }

    /// True when a broker answers a metadata request within `timeout`.
    public func isConnected(timeout: Duration = .seconds(2)) async -> Bool {
        guard (try? enter()) != nil else { return false }
        defer { leave() }
        let client = self.client
        let ms = timeout.clampedMilliseconds
        return (try? await runBlocking(on: blockingQueue) { client.fetchMetadataBlocking(timeoutMilliseconds: ms) }) ?? false
    }

    /// Learns the partitions and leaders of the topics this producer will write, so the first
    /// record to each is not held up by a metadata round; the topics that could not be
    /// prepared (missing, or the cluster did not answer within `timeout` each). Harmless to
    /// skip: a record to an unprepared topic only waits longer.
    public func prepare(topics: [String], timeout: Duration = .seconds(5)) async -> [String] {
        guard (try? enter()) != nil else { return topics }
        defer { leave() }
        let client = self.client
        let ms = timeout.clampedMilliseconds
        var missing: [String] = []
        for topic in topics {
            let ready = (try? await runBlocking(on: blockingQueue) { client.fetchTopicMetadataBlocking(topic, timeoutMilliseconds: ms) })
            if ready != true { missing.append(topic) }
        }
        return missing
    }

    /// The names of every topic in the cluster; empty when it did not answer in time.
    public func topicNames(timeout: Duration = .seconds(5)) async -> [String] {
        guard (try? enter()) != nil else { return [] }
        defer { leave() }
        let client = self.client
        let ms = timeout.clampedMilliseconds
        return ((try? await runBlocking(on: blockingQueue) { client.topicNamesBlocking(timeoutMilliseconds: ms) }) ?? nil) ?? []
    }

    /// Flushes what is outstanding (up to `timeout`), fails what is left, and releases the client.
    public func close(timeout: Duration = .seconds(10)) async {
        guard !closed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        do { try await flushUnchecked(timeout: timeout) } catch {
            logger.warning("kafka producer closed with unacknowledged records", metadata: ["kafka.error": "\(error)"])
        }
        let client = self.client
        let running = self.running
        let stopped = self.pollStopped
        _ = try? await runBlocking(on: blockingQueue) {
            // Fail whatever is still queued so every waiting `send` resumes.
            rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        }
        // The poll thread serves the purged records' reports; wait until no call uses the handle.
        // The pause ignores cancellation: a cancelled caller (a service group being cancelled)
        // must still wait, and `Task.sleep` would return at once and spin.
        while inFlight.load(ordering: .sequentiallyConsistent) > 0 {
            await pauseIgnoringCancellation(milliseconds: 5)
        }
        _ = try? await runBlocking(on: blockingQueue) {
            running.clear()
            stopped.wait()
            client.destroyBlocking()
        }
    }
}

/// A flag shared between an async caller and a dedicated thread or queue.
final class RunFlag: Sendable {
    private let flag: Atomic<Bool>
    init(initially: Bool = true) { flag = Atomic(initially) }
    var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }
    func set() { flag.store(true, ordering: .sequentiallyConsistent) }
    func clear() { flag.store(false, ordering: .sequentiallyConsistent) }
}

/// Suspends for about `milliseconds` without occupying a thread, even in a cancelled task.
private func pauseIgnoringCancellation(milliseconds: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { continuation.resume() }
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}
