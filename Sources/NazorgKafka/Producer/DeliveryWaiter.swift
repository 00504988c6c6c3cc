import CRdKafka
import Synchronization

/// Collects delivery reports for one `send` call (one record or a batch) and resumes
/// the caller once every enqueued record has been acknowledged or has failed.
///
/// Each enqueued record holds one retain of the waiter through librdkafka's per-message
/// opaque; the delivery callback takes it back.
final class DeliveryWaiter: Sendable {
    private struct State {
        var pending = 0
        var sealed = false
        var firstError: KafkaError?
        var report: DeliveryReport?
        var continuation: CheckedContinuation<DeliveryReport?, any Error>?
    }

    private let state = Mutex(State())
    private let wantsReport: Bool

    init(wantsReport: Bool) { self.wantsReport = wantsReport }

    /// Call before handing a record to librdkafka.
    func willEnqueue() { state.withLock { $0.pending += 1 } }

    /// Call when librdkafka refused a record that `willEnqueue` counted.
    func enqueueFailed() { finishOne(error: nil, report: nil) }

    /// Call once no more records will be enqueued; `error` is why enqueueing stopped early.
    func seal(error: KafkaError? = nil) {
        let resume = state.withLock { s -> (CheckedContinuation<DeliveryReport?, any Error>, Result<DeliveryReport?, any Error>)? in
            s.sealed = true
            if s.firstError == nil, let error { s.firstError = error }
            return Self.completion(&s)
        }
        if let (continuation, result) = resume { continuation.resume(with: result) }
    }

    /// Called from the delivery-report callback, on the producer's poll thread.
    func delivered(_ message: UnsafePointer<rd_kafka_message_t>) {
        let m = message.pointee
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            finishOne(error: KafkaError(m.err, while: "delivering a record to \(topic)"), report: nil)
        } else if wantsReport {
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            finishOne(error: nil, report: DeliveryReport(topic: topic, partition: m.partition, offset: m.offset))
        } else {
            finishOne(error: nil, report: nil)
        }
    }

    /// Waits until every enqueued record is settled; throws the first failure.
    func wait() async throws -> DeliveryReport? {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { s -> Result<DeliveryReport?, any Error>? in
                if s.sealed && s.pending == 0 { return Self.result(s) }
                s.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func finishOne(error: KafkaError?, report: DeliveryReport?) {
        let resume = state.withLock { s -> (CheckedContinuation<DeliveryReport?, any Error>, Result<DeliveryReport?, any Error>)? in
            s.pending -= 1
            if s.firstError == nil, let error { s.firstError = error }
            if let report { s.report = report }
            return Self.completion(&s)
        }
        if let (continuation, result) = resume { continuation.resume(with: result) }
    }

    private static func completion(_ s: inout State) -> (CheckedContinuation<DeliveryReport?, any Error>, Result<DeliveryReport?, any Error>)? {
        guard s.sealed, s.pending == 0, let continuation = s.continuation else { return nil }
        s.continuation = nil
        return (continuation, result(s))
    }

    private static func result(_ s: State) -> Result<DeliveryReport?, any Error> {
        if let error = s.firstError { return .failure(error) }
        return .success(s.report)
    }
}
