import CRdKafka
import Foundation

/// The baseline: librdkafka driven directly from one thread, with no Swift concurrency,
/// no per-record acknowledgement tracking and no copying into Swift values.
enum RawLibrdkafka {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Fetch settings both consumers of the benchmark use. In librdkafka 2.0.2, once the
    /// prefetch queue passes `queued.max.messages.kbytes` (64 MiB by default) fetching backs
    /// off for most of a second, and a consumer that drains faster than that sits idle; the
    /// benchmark gives both consumers room for a whole round.
    static let consumerTuning = ["fetch.wait.max.ms": "50", "queued.max.messages.kbytes": "524288"]

    private static func client(_ type: rd_kafka_type_t, _ properties: [String: String]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()
        var errstr = [CChar](repeating: 0, count: 512)
        for (k, v) in properties where rd_kafka_conf_set(conf, k, v, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            throw Failure(description: "raw client setting \(k) refused")
        }
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else { throw Failure(description: "raw client not created") }
        return rk
    }

    /// Produces `count` records of `value` round-robin over `partitions`; returns seconds until all were acknowledged.
    static func produce(bootstrap: String, topic: String, count: Int, value: [UInt8], partitions: Int32) throws -> Double {
        let rk = try client(RD_KAFKA_PRODUCER, [
            "bootstrap.servers": bootstrap, "enable.idempotence": "true", "acks": "all", "linger.ms": "5",
            "batch.num.messages": "10000", "queue.buffering.max.messages": "1000000", "queue.buffering.max.kbytes": "1048576",
        ])
        defer { rd_kafka_destroy(rk) }
        let start = Date()
        var sent = 0
        while sent < count {
            let err = value.withUnsafeBytes { buffer in
                nazorg_produce(rk, topic, Int32(sent) % partitions, nil, 0, buffer.baseAddress, buffer.count, nil, nil)
            }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(rk, 1)
                continue
            }
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw Failure(description: "raw produce failed: \(String(cString: rd_kafka_err2name(err)))") }
            sent += 1
            if sent % 1000 == 0 { rd_kafka_poll(rk, 0) }
        }
        guard rd_kafka_flush(rk, 60_000) == RD_KAFKA_RESP_ERR_NO_ERROR else { throw Failure(description: "raw flush timed out") }
        return Date().timeIntervalSince(start)
    }

    /// Reads `count` records from the start of `topic` (all partitions assigned directly);
    /// returns seconds from the first record to the last.
    static func consume(bootstrap: String, topic: String, count: Int, partitions: Int32) throws -> Double {
        let rk = try client(RD_KAFKA_CONSUMER, [
            "bootstrap.servers": bootstrap, "group.id": "bench-raw-\(UUID().uuidString)", "enable.auto.commit": "false",
        ].merging(consumerTuning) { _, tuned in tuned })
        defer { rd_kafka_destroy(rk) }
        rd_kafka_poll_set_consumer(rk)
        let list = rd_kafka_topic_partition_list_new(partitions)
        for p in 0..<partitions { rd_kafka_topic_partition_list_add(list, topic, p)?.pointee.offset = nazorg_offset_beginning() }
        rd_kafka_assign(rk, list)
        rd_kafka_topic_partition_list_destroy(list)
        let queue = rd_kafka_queue_get_consumer(rk)
        defer { rd_kafka_queue_destroy(queue) }
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: 10_000)
        defer { buffer.deallocate() }
        var received = 0
        var start: Date?
        let deadline = Date().addingTimeInterval(120)
        while received < count && Date() < deadline {
            let n = rd_kafka_consume_batch_queue(queue, 200, buffer, 10_000)
            for i in 0..<max(n, 0) {
                if let m = buffer[i] {
                    if m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR { received += 1 }
                    rd_kafka_message_destroy(m)
                }
            }
            if n > 0 && start == nil { start = Date() }
        }
        rd_kafka_consumer_close(rk)
        guard received >= count, let start else { throw Failure(description: "raw consumer read \(received) of \(count)") }
        return Date().timeIntervalSince(start)
    }
}
