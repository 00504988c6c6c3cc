import Logging
import ServiceLifecycle

/// Runs `body` now and then every `interval` until graceful shutdown or cancellation, which
/// also end the wait between two runs. A failed run is logged with `failure` and tried again
/// at the next one. For a service's periodic chore (a retention purge, say).
public func repeatUntilShutdown(every interval: Duration, logger: Logger, failure: Logger.Message,
                                _ body: () async throws -> Void) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        do {
            try await body()
        } catch {
            logger.warning(failure, metadata: ["error": .string(error.loggable)])
        }
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        } catch {
            return
        }
    }
}
