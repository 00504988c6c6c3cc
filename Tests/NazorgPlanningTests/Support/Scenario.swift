import Foundation
import NazorgPlanning
import NazorgTestSupport
import Testing

/// One step of a scenario: at a moment, something happens (a notice, a report, only time
/// passing); the closure timer runs after every step, as it would in service.
struct Step {
    let at: Date
    let run: (PlanningRig) async throws -> Void

    init(_ moment: String, _ run: @escaping (PlanningRig) async throws -> Void = { _ in }) {
        self.at = NazorgPlanningTests.at(moment)
        self.run = run
    }
}

/// A person's detention as a list of steps.
struct Scenario {
    let steps: [Step]
    let seed: UInt64
    /// The planner every run uses (its partner directory).
    var planner = Planner(directory: Fixtures.directory)

    /// Plays the scenario on a fresh rig; with `restart`, planning restarts before step
    /// `at` and the consumer redelivers the last `replayed` fraction of what it delivered
    /// (offsets not yet committed).
    func play(restart: (at: Int, replayed: Double)? = nil) async throws -> PlanningRig {
        let clock = TestClock(steps[0].at)
        let rig = try PlanningRig(clock: clock, planner: planner)
        for (index, step) in steps.enumerated() {
            if let restart, restart.at == index {
                let count = Int((Double(rig.delivered.count) * restart.replayed).rounded(.down))
                let replay = Array(rig.delivered.suffix(count))
                try await rig.restart()
                try await rig.deliver(replay, remember: false)
            }
            clock.set(step.at)
            try await step.run(rig)
            try await rig.tick()
        }
        return rig
    }

    /// Plays the scenario once straight through, checks it with `expectations`, then three
    /// times with a restart at a random step (seeded): each must end in the same state with
    /// the same published event ids.
    func verify(_ expectations: (PlanningRig) async throws -> Void) async throws {
        let baseline = try await play()
        try await expectations(baseline)
        let expected = try await baseline.snapshot()
        #expect(baseline.refusals.isEmpty, "refused: \(baseline.refusals)")
        await baseline.close()
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<3 {
            let at = Int.random(in: 1..<steps.count, using: &generator)
            let replayed = Double.random(in: 0...1, using: &generator)
            let restarted = try await play(restart: (at, replayed))
            let snapshot = try await restarted.snapshot()
            #expect(snapshot == expected, "restart before step \(at), replaying \(replayed)")
            #expect(restarted.refusals.isEmpty)
            await restarted.close()
        }
    }
}
