import CRdKafka
import Synchronization

/// Collects delivery reports for one `send` call (one record or a batch) and resumes
/// the caller once every enqueued record has been acknowledged or has failed.
///
/// The per-record path is lock-free: an atomic count of records still out. The lock is
/// taken only for failures, for a single record's report, and once at completion.
///
/// Every record handed to librdkafka carries its own retained reference to the waiter as
/// its opaque (``reserve()``); the delivery report, or the refusal to enqueue, gives it back.
/// So the waiter lives as long as any record that points at it, whatever its `send` does.
final class DeliveryWaiter: Sendable {
    private struct State {
        var done = false
        var firstError: KafkaError?
        var report: DeliveryReport?
        var continuation: CheckedContinuation<DeliveryReport?, any Error>?
    }

    private let pending = Atomic<Int>(0)
    private let sealed = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let state = Mutex(State())
    private let wantsReport: Bool

    init(wantsReport: Bool) { self.wantsReport = wantsReport }

    /// Counts one more record and returns the opaque to hand to librdkafka with it: a
    /// retained reference, given back by ``settle(opaque:with:)`` for its delivery report or
    /// by ``enqueueFailed(opaque:)`` when librdkafka refuses the record.
    func reserve() -> UnsafeMutableRawPointer {
        pending.add(1, ordering: .sequentiallyConsistent)
        return Unmanaged.passRetained(self).toOpaque()
    }

    /// librdkafka refused the record `opaque` came with: uncount it and release its reference.
    static func enqueueFailed(opaque: UnsafeMutableRawPointer) {
        Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue().finishOne()
    }

    /// Called from the delivery-report callback, on the producer's poll thread: records the
    /// report and releases the reference the record held.
    static func settle(opaque: UnsafeMutableRawPointer, with message: UnsafePointer<rd_kafka_message_t>) {
        Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue().delivered(message)
    }

    /// Call once no more records will be enqueued; `error` is why enqueueing stopped early.
    func seal(error: KafkaError? = nil) {
        if let error { record(error: error) }
        sealed.store(true, ordering: .sequentiallyConsistent)
        if pending.load(ordering: .sequentiallyConsistent) == 0 { complete() }
    }

    private func delivered(_ message: UnsafePointer<rd_kafka_message_t>) {
        let m = message.pointee
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            record(error: KafkaError(m.err, while: "delivering a record to \(topic)"))
        } else if wantsReport {
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            let report = DeliveryReport(topic: topic, partition: m.partition, offset: m.offset)
            state.withLock { $0.report = report }
        }
        finishOne()
    }

    /// Waits until every enqueued record is settled; throws the first failure.
    func wait() async throws -> DeliveryReport? {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { s -> Result<DeliveryReport?, any Error>? in
                if s.done { return Self.result(s) }
                s.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func record(error: KafkaError) {
        state.withLock { if $0.firstError == nil { $0.firstError = error } }
    }

    private func finishOne() {
        let remaining = pending.subtract(1, ordering: .sequentiallyConsistent).newValue
        if remaining == 0 && sealed.load(ordering: .sequentiallyConsistent) { complete() }
    }

    /// Runs once.
    private func complete() {
        guard !finished.exchange(true, ordering: .sequentiallyConsistent) else { return }
        let resume = state.withLock { s -> (CheckedContinuation<DeliveryReport?, any Error>, Result<DeliveryReport?, any Error>)? in
            s.done = true
            guard let continuation = s.continuation else { return nil }
            s.continuation = nil
            return (continuation, Self.result(s))
        }
        if let (continuation, result) = resume { continuation.resume(with: result) }
    }

    private static func result(_ s: State) -> Result<DeliveryReport?, any Error> {
        if let error = s.firstError { return .failure(error) }
        return .success(s.report)
    }
}
