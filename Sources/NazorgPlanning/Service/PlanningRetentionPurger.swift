import Foundation
import Logging
import NazorgRuntime
import ServiceLifecycle

/// Planning's store periods from the retention schedule (`Contracts/retention`).
public struct PlanningRetention: Sendable, Equatable {
    /// How long a closed case is kept, with everything about it.
    public var cases: RetentionSchedule.Period
    /// How long the ids of handled events are kept.
    public var processedEvents: RetentionSchedule.Period

    public init(cases: RetentionSchedule.Period, processedEvents: RetentionSchedule.Period) {
        self.cases = cases
        self.processedEvents = processedEvents
    }

    public init(schedule: RetentionSchedule) throws {
        self.init(cases: try schedule.store("planning", "cases").period,
                  processedEvents: try schedule.store("planning", "processed-events").period)
    }
}

/// Applies ``PlanningRetention`` to planning's store every `interval`; logs counts, never ids.
struct PlanningRetentionPurger: Service {
    let store: SQLitePlanningStore
    let retention: PlanningRetention
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: logger, failure: "retention not applied yet; retrying at the next pass") {
            let now = Date()
            let purged = try await store.purge(closedBefore: retention.cases.cutoff(now: now),
                                               processedBefore: retention.processedEvents.cutoff(now: now))
            if purged.cases > 0 || purged.events > 0 {
                logger.info("retention applied to planning's store", metadata: [
                    "retention.cases_erased": "\(purged.cases)", "retention.events_forgotten": "\(purged.events)",
                ])
            }
        }
    }
}
