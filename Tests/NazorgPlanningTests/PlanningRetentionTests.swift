import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

/// Planning's store keeps a closed case six months (Contracts/retention), then forgets it
/// with everything about it; an open case, or one closed more recently, stays.
@Suite("Planning: retention of closed cases")
struct PlanningRetentionTests {
    @Test func aClosedCaseGoesWithEverythingAboutItAndAnOpenOneStays() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        let desk = PIDesk()
        var other = PIDesk()
        other.subject = String(repeating: "4e", count: 16)
        try await rig.deliver(desk.started("r-start", start: "2027-01-02", expected: "2027-06-15"))
        try await rig.deliver(desk.plan("r-plan", expected: "2027-06-15", [need(.housing, .needed), need(.id, .needed)]))
        try await rig.deliver(other.started("r-other", start: "2027-01-02", expected: "2027-09-01"))
        try await rig.deliver(desk.withdrawn("r-wd", notice: "r-start", reason: .sentInError))
        let closed = try #require(try await rig.cases().first)
        #expect(closed.status == .closed)
        #expect(try await !rig.store.tasks(caseId: closed.caseId).isEmpty)
        #expect(try await !rig.store.history(caseId: closed.caseId).isEmpty)

        // Before the period ran out: nothing goes.
        let early = try await rig.store.purge(closedBefore: at("2027-01-04T08:00:00Z"), processedBefore: Date.distantPast)
        #expect(early.cases == 0 && early.events == 0)
        #expect(try await rig.cases().count == 1)

        let purged = try await rig.store.purge(closedBefore: at("2027-07-05T00:00:00Z"), processedBefore: Date().addingTimeInterval(60))
        #expect(purged.cases == 1)
        #expect(purged.events >= 4)
        #expect(try await rig.cases().isEmpty)
        #expect(try await rig.store.tasks(caseId: closed.caseId).isEmpty)
        #expect(try await rig.store.history(caseId: closed.caseId).isEmpty)
        #expect(try await rig.store.notes(caseId: closed.caseId).isEmpty)
        let open = try await rig.store.cases(subjectId: other.subject)
        #expect(open.count == 1 && open[0].status != .closed)
        #expect(try await rig.store.purge(closedBefore: at("2027-07-05T00:00:00Z"), processedBefore: .distantPast).cases == 0)
        await rig.close()
    }

    @Test func planningReadsItsPeriodsFromTheSchedule() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Contracts/retention/retention.yaml").path
        let retention = try PlanningRetention(schedule: RetentionSchedule(contentsOf: path))
        #expect(retention.cases.days == 180 && retention.processedEvents.days == 45)
    }
}
