import Logging
import NazorgRuntime
import ServiceLifecycle

/// Publishes what planning decided but Kafka has not yet confirmed: at start (what a crash
/// left behind) and then every few seconds, so decided events never wait for new input.
struct OutboxRelayService: Service {
    let engine: PlanningEngine
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await engine.publishOutbox()
            } catch {
                logger.warning("planning outbox not published yet; retrying", metadata: ["error": .string(error.loggable)])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
