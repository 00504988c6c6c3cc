import Logging
import NazorgRuntime
import ServiceLifecycle

/// Fires planning's timers (not accepted, overdue, plan missing, release day open, first
/// contact missed, consent waited too long): at start it rebuilds every open case's next
/// timer from state and fires what fell due while planning was down, then fires what is due
/// every ``interval``. Each firing goes through the engine's store and outbox with an id
/// derived from the timer, so restarts neither miss nor repeat one; the time is the engine's.
public struct TimerService: Service {
    let engine: PlanningEngine
    let interval: Duration
    let logger: Logger

    public init(engine: PlanningEngine, interval: Duration, logger: Logger) {
        self.engine = engine
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var rebuilt = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !rebuilt {
                    let cases = try await engine.rebuildTimers()
                    rebuilt = true
                    logger.info("planning rebuilt its timers", metadata: ["planning.timers.cases": "\(cases)"])
                }
                let fired = try await engine.fireDueTimers()
                if fired > 0 {
                    logger.info("planning fired due timers", metadata: ["planning.timers.fired": "\(fired)"])
                    try await engine.publishOutbox()
                }
            } catch {
                logger.warning("planning could not fire its timers yet; retrying", metadata: ["error": .string(error.loggable)])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
