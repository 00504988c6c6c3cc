import Foundation
import Logging
import NazorgContracts
import NazorgRuntime

extension PlanningEngine {
    /// Recomputes every open case's next timer from its state: at start, so a timer is
    /// neither missed (a profile or the code changed, or the table is new) nor fired twice
    /// (a fired timer is a processed input). Returns how many cases have one.
    @discardableResult
    public func rebuildTimers() async throws -> Int {
        let planner = self.planner
        return try await store.refreshTimers(caseIds: nil) { state in planner.timers(for: state) }
    }

    /// Fires every timer due at the clock's time, each as an input of its own whose id is the
    /// timer's, through the store and outbox like every input. Returns how many fired.
    @discardableResult
    public func fireDueTimers() async throws -> Int {
        let now = self.now()
        let planner = self.planner
        var fired = 0
        var visited = Set<UUID>()
        while true {
            let due = try await store.casesWithTimersDue(at: now, limit: 200).filter { !visited.contains($0) }
            guard !due.isEmpty else { return fired }
            for caseId in due {
                visited.insert(caseId)
                guard let state = try await store.caseState(caseId: caseId) else { continue }
                let inputs = planner.timers(for: state).filter { $0.dueAt <= now }.map { timer in
                    let trace = TraceParent.random()
                    return PlanningInput(eventId: timer.id, owner: .caseId(caseId)) { _, state in
                        try planner.decideTimer(timer.id, trace: trace, now: now, state: state)
                    }
                }
                var stale = inputs.isEmpty
                for outcome in try await store.apply(inputs) {
                    switch outcome {
                    case .applied: fired += 1
                    case .alreadyApplied: stale = true
                    case .ignored: break
                    case .refused(let refusal):
                        stale = true
                        logger.debug("planning timer not fired", metadata: ["planning.refusal": .string(refusal.reason)])
                    }
                }
                // A row no input rewrote (every due timer fired before): compute it again.
                if stale { try await store.refreshTimers(caseIds: [caseId]) { state in planner.timers(for: state) } }
            }
        }
    }
}
