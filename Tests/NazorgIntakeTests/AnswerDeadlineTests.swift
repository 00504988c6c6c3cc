import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing

private struct Refused: Error {}

private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

@Suite struct AnswerDeadlineTests {
    @Test func aQuickResultOrErrorComesThrough() async throws {
        #expect(try await AnswerDeadline.run(within: .seconds(5)) { 42 } == 42)
        await #expect(throws: Refused.self) { try await AnswerDeadline.run(within: .seconds(5)) { () async throws -> Int in throw Refused() } }
    }

    @Test func aSlowOperationLosesToTheDeadlineAndStillFinishesInTheBackground() async throws {
        let finished = Flag()
        // DeadlineExceeded itself shows the timer won: a result that came first would have been returned.
        await #expect(throws: DeadlineExceeded.self) {
            try await AnswerDeadline.run(within: .milliseconds(100)) {
                // Ignores cancellation, like a producer waiting for its delivery report.
                try? await Task.sleep(for: .seconds(2))
                finished.set()
            }
        }
        try await waitUntil("the operation finished after its deadline", timeout: .seconds(10)) { finished.isSet }
    }
}
