import CRdKafka
import Logging
import Dispatch
import Synchronization

/// What librdkafka's C callbacks reach through the client's opaque pointer.
final class ClientContext: Sendable {
    let logger: Logger
    /// The first fatal error the client reported; once set, the client is unusable.
    let fatalError = Mutex<KafkaError?>(nil)
    /// Set together with `fatalError`, so the hot path checks without a lock.
    let hasFatalError = Atomic<Bool>(false)
    /// Consumers only: the next offset to read per partition, as last marked processed.
    /// Lets a member that keeps a partition through a rebalance resume where it was even
    /// when the broker refused the commit on revoke.
    let processedOffsets = Mutex<[TopicPartition: Int64]>([:])
    /// Turns the statistics callback's documents into metrics; nil for clients without statistics.
    let statistics: KafkaStatisticsRecorder?

    init(logger: Logger, statistics: KafkaStatisticsRecorder? = nil) {
        self.logger = logger
        self.statistics = statistics
    }
}

/// Owns one `rd_kafka_t` and the context its callbacks use.
///
/// librdkafka handles are thread-safe; the wrapper is `@unchecked Sendable` for that reason.
final class NativeClient: @unchecked Sendable {
    let handle: OpaquePointer
    let context: ClientContext
    private let contextPointer: UnsafeMutableRawPointer

    /// `reportsStatistics`: whether librdkafka's statistics become metrics. Only for clients
    /// that serve their main queue (a producer's poll thread, a consumer's poll): librdkafka
    /// queues each statistics document there, and an admin client would pile them up unread.
    init(kind: rd_kafka_type_t, configuration: KafkaConfiguration, defaults: [String: String], logger: Logger,
         reportsStatistics: Bool = true, prepare: (OpaquePointer) -> Void = { _ in }) throws {
        let conf = try configuration.makeNativeConfiguration(defaults: defaults, for: kind)
        let statistics = reportsStatistics
            ? KafkaStatisticsRecorder(group: configuration.resolvedProperties(defaults: defaults)["group.id"], logger: logger)
            : nil
        let context = ClientContext(logger: logger, statistics: statistics)
        let opaque = Unmanaged.passRetained(context).toOpaque()
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, buffer in
            guard let rk, let raw = rd_kafka_opaque(rk) else { return }
            let context = Unmanaged<ClientContext>.fromOpaque(raw).takeUnretainedValue()
            let text = buffer.map { String(cString: $0) } ?? ""
            let fac = facility.map { String(cString: $0) } ?? ""
            // librdkafka's own lines name brokers, topics and partitions, never record contents.
            let metadata: Logger.Metadata = ["kafka.facility": .string(fac), "kafka.detail": .string(text)]
            switch level {
            case 0...2: context.logger.error("librdkafka error", metadata: metadata)
            // Level 3 covers transient connection failures that librdkafka retries itself.
            case 3, 4: context.logger.warning("librdkafka warning", metadata: metadata)
            case 5, 6: context.logger.info("librdkafka notice", metadata: metadata)
            default: context.logger.debug("librdkafka debug", metadata: metadata)
            }
        }
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let opaque else { return }
            let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
            let code = rd_kafka_resp_err_t(rawValue: err)
            let text = reason.map { String(cString: $0) } ?? ""
            if code == RD_KAFKA_RESP_ERR__FATAL, let rk {
                var buffer = [CChar](repeating: 0, count: 512)
                let original = rd_kafka_fatal_error(rk, &buffer, buffer.count)
                let detail = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                let error = KafkaError(original, while: "running the client", detail: detail, fatal: true)
                context.fatalError.withLock { if $0 == nil { $0 = error } }
                context.hasFatalError.store(true, ordering: .sequentiallyConsistent)
                context.logger.critical("kafka client fatal error", metadata: ["kafka.error": "\(error)"])
                return
            }
            let allDown = code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
            // Transient errors are retried by librdkafka and already logged by its log callback.
            context.logger.log(level: allDown ? .warning : .debug, "kafka client error", metadata: [
                "kafka.code": .string(String(cString: rd_kafka_err2name(code))), "kafka.detail": .string(text),
            ])
        }
        var errstr = [CChar](repeating: 0, count: 512)
        if statistics != nil {
            // Runs inside the poll that serves the client's queue, on the client's own thread.
            rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
                guard let json, let opaque else { return 0 }
                let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
                context.statistics?.record(json: UnsafeRawBufferPointer(start: json, count: length))
                return 0  // librdkafka frees the document
            }
        } else {
            // Also over a pass-through `statistics.interval.ms`: nobody would read them.
            rd_kafka_conf_set(conf, "statistics.interval.ms", "0", &errstr, errstr.count)
        }
        prepare(conf)
        guard let rk = rd_kafka_new(kind, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            Unmanaged<ClientContext>.fromOpaque(opaque).release()
            let detail = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError.configuration("(client)", detail)
        }
        self.handle = rk
        self.context = context
        self.contextPointer = opaque
    }

    /// Throws the client's fatal error, if it had one.
    func checkFatal() throws {
        guard context.hasFatalError.load(ordering: .relaxed) else { return }
        if let fatal = context.fatalError.withLock({ $0 }) { throw fatal }
    }

    /// Asks the cluster for its metadata; true when a broker answered. Blocking: call off the cooperative pool.
    func fetchMetadataBlocking(timeoutMilliseconds: Int32) -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, nil, &metadata, timeoutMilliseconds)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        return err == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Asks the cluster for one topic's metadata, so that the client knows the topic's
    /// partitions and leaders before its first record: otherwise the first produce to a topic
    /// waits for a metadata round of its own (close to a second on the embedded broker).
    /// Blocking: call off the cooperative pool.
    func fetchTopicMetadataBlocking(_ topic: String, timeoutMilliseconds: Int32) -> Bool {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else { return false }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMilliseconds)
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata, metadata.pointee.topic_cnt == 1 else { return false }
        return metadata.pointee.topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// The names of every topic in the cluster, or nil when it did not answer. Blocking.
    func topicNamesBlocking(timeoutMilliseconds: Int32) -> [String]? {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return nil }
        return (0..<Int(metadata.pointee.topic_cnt)).compactMap { index in
            metadata.pointee.topics[index].topic.map { String(cString: $0) }
        }
    }

    /// Destroys the handle. Blocking: call off the cooperative pool, exactly once.
    func destroyBlocking() {
        rd_kafka_destroy(handle)
        context.statistics?.forget()
        Unmanaged<ClientContext>.fromOpaque(contextPointer).release()
    }
}

/// Runs a blocking librdkafka call on a dispatch queue, never on Swift's cooperative pool,
/// and resumes the caller when it returns.
func runBlocking<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}
