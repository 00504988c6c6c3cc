import Synchronization

/// The operation did not finish before its deadline; it may still finish later.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public let deadline: Duration
    public var description: String { "no result within \(deadline)" }
}

/// Gives a caller an answer in bounded time while the work it waits for goes on.
///
/// An HTTP route promises its client an answer within a stated time, but some of its work
/// cannot be cancelled (a Kafka send waits for the broker's delivery report). Structured
/// concurrency would wait for that child before returning, so the work runs as an
/// unstructured task and races a timer: the first result wins, and work that loses keeps
/// running in the background until it ends on its own. Use it only for work that is safe to
/// finish after the caller gave up (idempotent, deterministic ids).
public enum AnswerDeadline {
    /// The result of `operation`, or ``DeadlineExceeded`` once `deadline` passed on `clock`.
    /// Cancelling the caller answers with `CancellationError` at once; `operation` is not
    /// cancelled either way.
    public static func run<T: Sendable, C: Clock>(
        within deadline: Duration, clock: C = ContinuousClock(),
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T where C.Duration == Duration {
        let race = FirstResult<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                // Already cancelled: the continuation has its answer, start nothing.
                guard race.install(continuation) else { return }
                let timer = Task {
                    // Cancelled when the work wins; then there is nothing to report.
                    guard (try? await clock.sleep(until: clock.now.advanced(by: deadline), tolerance: nil)) != nil else { return }
                    race.finish(.failure(DeadlineExceeded(deadline: deadline)))
                }
                Task {
                    do {
                        race.finish(.success(try await operation()))
                    } catch {
                        race.finish(.failure(error))
                    }
                    timer.cancel()
                }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// Resumes a continuation with the first result it is given and ignores the rest. A result
/// that arrives before the continuation is installed (a cancellation) is kept for it.
private final class FirstResult<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var finished = false
    }

    private let state = Mutex(State())

    /// False when a result came first; the continuation is then resumed with it.
    func install(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let early = state.withLock { s -> Result<T, any Error>? in
            if let early = s.early { return early }
            s.continuation = continuation
            return nil
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    func finish(_ result: Result<T, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<T, any Error>? in
            guard !s.finished else { return nil }
            s.finished = true
            guard let continuation = s.continuation else {
                s.early = result
                return nil
            }
            s.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
