import Logging
import NazorgRuntime
import ServiceLifecycle

/// Ends the aftercare period of released cases: at start (what passed while planning was
/// down) and then every ``interval``. It closes through the same store and decision path
/// as every input, with one id per case, so restarts never close a case twice; the time is
/// the engine's clock.
public struct CaseClosureService: Service {
    let engine: PlanningEngine
    let interval: Duration
    let logger: Logger

    public init(engine: PlanningEngine, interval: Duration, logger: Logger) {
        self.engine = engine
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let closed = try await engine.closeDueCases()
                if closed > 0 {
                    logger.info("planning closed cases whose aftercare period ended", metadata: ["planning.cases.closed": "\(closed)"])
                    try await engine.publishOutbox()
                }
            } catch {
                logger.warning("planning could not close due cases yet; retrying", metadata: ["error": .string(error.loggable)])
            }
            // The wait may be long (an hour): shutdown must not sit it out.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
