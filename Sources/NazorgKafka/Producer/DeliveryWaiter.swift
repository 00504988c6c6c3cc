import CRdKafka
import Synchronization

/// Collects delivery reports for one `send` call (one record or a batch) and resumes
/// the caller once every enqueued record has been acknowledged or has failed.
///
/// The per-record path is lock-free: an atomic count of records still out. The lock is
/// taken only for failures, for a single record's report, and once at completion.
/// librdkafka's per-message opaque points at the waiter without retaining it: every `send`
/// keeps its waiter alive until `wait()` returns, which happens only after the last report.
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

    /// The value librdkafka hands back in the delivery report.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Call before handing a record to librdkafka.
    func willEnqueue() { pending.add(1, ordering: .sequentiallyConsistent) }

    /// Call when librdkafka refused a record that `willEnqueue` counted.
    func enqueueFailed() { finishOne() }

    /// Call once no more records will be enqueued; `error` is why enqueueing stopped early.
    func seal(error: KafkaError? = nil) {
        if let error { record(error: error) }
        sealed.store(true, ordering: .sequentiallyConsistent)
        if pending.load(ordering: .sequentiallyConsistent) == 0 { complete() }
    }

    /// Called from the delivery-report callback, on the producer's poll thread.
    func delivered(_ message: UnsafePointer<rd_kafka_message_t>) {
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

    /// Runs once; the resume is the last touch of `self`.
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
