import Foundation
import Logging
import NazorgRuntime
import ServiceLifecycle

/// Tells planning about tasks that wait for consent longer than a grace period, so none
/// waits unseen. The grace period keeps the usual case quiet: a D&R plan's consent travels
/// on its own topic and often reaches the filter just after the task. The state is the
/// filter's store, so a restart misses nothing and reports nothing twice.
struct ParkedTaskReporter: Service {
    let engine: FilterEngine
    let grace: Duration
    let logger: Logger

    func run() async throws {
        let interval = min(max(grace / 2, .milliseconds(200)), .seconds(5))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let cutoff = Date().addingTimeInterval(-Double(grace.components.seconds)
                                                       - Double(grace.components.attoseconds) / 1e18)
                let reported = try await engine.reportLongWaits(parkedBefore: cutoff)
                if reported > 0 { logger.info("tasks waiting for consent reported", metadata: ["task.count": "\(reported)"]) }
            } catch {
                logger.warning("waiting tasks not reported yet; retrying", metadata: ["error": .string(error.loggable)])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
