import Synchronization

/// Lets one request at a time work on a notice key (PI and `noticeId`), in arrival order.
///
/// The store's claim is atomic on its own; this keeps two identical requests that arrive
/// together from both publishing: the second waits, then finds the first's notice published
/// and answers from the store. Requests for other keys never wait for each other.
final class NoticeKeyLock: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func withLock<T>(_ key: String, _ body: () async throws -> T) async rethrows -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = waiting.withLock { queues -> Bool in
                guard queues[key] != nil else {
                    queues[key] = []
                    return true
                }
                queues[key]?.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    /// Hands the key to the next waiter, or frees it.
    private func release(_ key: String) {
        let next = waiting.withLock { queues -> CheckedContinuation<Void, Never>? in
            guard var queue = queues[key], !queue.isEmpty else {
                queues[key] = nil
                return nil
            }
            let next = queue.removeFirst()
            queues[key] = queue
            return next
        }
        next?.resume()
    }
}
