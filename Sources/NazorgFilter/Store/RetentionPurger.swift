import Foundation
import Logging
import NazorgRuntime
import ServiceLifecycle

/// The filter's store periods from the retention schedule (`Contracts/retention`).
public struct FilterRetention: Sendable, Equatable {
    /// How long the ids of handled events are kept.
    public var processedEvents: RetentionSchedule.Period
    /// How long a person's state is kept after their last case closed (or, without a case,
    /// after the filter last heard of them).
    public var subjectState: RetentionSchedule.Period

    public init(processedEvents: RetentionSchedule.Period, subjectState: RetentionSchedule.Period) {
        self.processedEvents = processedEvents
        self.subjectState = subjectState
    }

    public init(schedule: RetentionSchedule) throws {
        self.init(processedEvents: try schedule.store("filter", "processed-events").period,
                  subjectState: try schedule.store("filter", "subject-state").period)
    }
}

/// Applies ``FilterRetention`` to the filter's store every `interval`: forgets handled event
/// ids past their period and erases every row about a person whose period ran out, and their
/// data keys (the schedule's `subject-keys`, the same period). Logs how many, never whom.
struct RetentionPurger: Service {
    let store: FilterStore
    /// The shared subject key store: a person whose period ran out loses their keys too.
    var keys: SubjectKeyStore? = nil
    let retention: FilterRetention
    let interval: Duration
    let logger: Logger
    var now: @Sendable () -> Date = Date.init

    /// One pass; returns the people erased and the event ids forgotten.
    @discardableResult
    func purge() async throws -> (subjects: Int, events: Int) {
        let time = now()
        var subjects = 0
        while true {
            let expired = try await store.expiredSubjects(cutoff: retention.subjectState.cutoff(now: time))
            for subject in expired {
                try keys?.erase(subjectId: subject)
                try await store.erase(subjectId: subject)
            }
            subjects += expired.count
            if expired.count < 500 { break }
        }
        let events = try await store.purgeProcessed(before: retention.processedEvents.cutoff(now: time))
        if subjects > 0 || events > 0 {
            logger.info("retention applied to the filter's store", metadata: [
                "retention.subjects_erased": "\(subjects)", "retention.events_forgotten": "\(events)",
            ])
        }
        return (subjects, events)
    }

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: logger, failure: "retention not applied yet; retrying at the next pass") {
            try await purge()
        }
    }
}
