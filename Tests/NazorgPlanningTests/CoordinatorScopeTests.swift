import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

@Suite("Planning: coordinator scope")
struct CoordinatorScopeTests {
    /// Every query and command of a Rotterdam coordinator about an Amsterdam case: nothing is
    /// there (not-found, or an empty list), and nothing changes.
    @Test func aCoordinatorOfAnotherMunicipalityCanNeitherSeeNorActOnTheCase() async throws {
        let clock = TestClock(at("2027-01-04T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        try await rig.deliver(desk.started("s-start", start: "2027-01-02", expected: "2027-06-15"))
        try await rig.deliver(desk.plan("s-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        let task = try await rig.report(.rejected) { $0.domain == .housing }
        let record = try await rig.currentCase()
        let escalation = try #require(try await rig.desk.escalations(EscalationQuery(), actor: DeskFixtures.amsterdam).first)
        let id = escalation.escalation.escalationId
        let stranger = DeskFixtures.rotterdam
        let before = try await rig.snapshot()

        #expect(try await rig.desk.cases(CaseQuery(), actor: stranger).isEmpty)
        #expect(try await rig.desk.cases(CaseQuery(municipality: "GM0363"), actor: stranger).isEmpty)
        #expect(try await rig.desk.escalations(EscalationQuery(status: .all), actor: stranger).isEmpty)
        #expect(try await rig.desk.escalations(EscalationQuery(status: .all, caseId: record.caseId), actor: stranger).isEmpty)
        #expect(try await rig.desk.escalations(EscalationQuery(municipality: "GM0363"), actor: stranger).isEmpty)
        let attempts: [(String, () async throws -> Void)] = [
            ("timeline", { _ = try await rig.desk.timeline(caseId: record.caseId, actor: stranger) }),
            ("acknowledge", { _ = try await rig.desk.acknowledge(escalationId: id, note: nil, actor: stranger, requestId: "x1") }),
            ("resolve", { _ = try await rig.desk.resolve(escalationId: id, note: "Weg.", actor: stranger, requestId: "x2") }),
            ("reassign", {
                _ = try await rig.desk.reassign(taskId: task.taskId, toPartnerId: "woon2-ams", reason: "Weg.", actor: stranger,
                                                requestId: "x3")
            }),
            ("note", { _ = try await rig.desk.addNote(caseId: record.caseId, text: "Weg.", actor: stranger, requestId: "x4") }),
            ("close", {
                _ = try await rig.desk.close(caseId: record.caseId, reason: .other, note: nil, actor: stranger, requestId: "x5")
            }),
            ("cooperation", {
                _ = try await rig.desk.recordCooperation(caseId: record.caseId, cooperation: .unreachable, actor: stranger,
                                                         requestId: "x6")
            }),
        ]
        for (name, attempt) in attempts {
            do {
                try await attempt()
                Issue.record("\(name) succeeded for a coordinator of another municipality")
            } catch let error as CoordinatorError {
                #expect(error.code == .notFound, "\(name): \(error.message)")
            }
        }
        try await rig.drain()
        #expect(try await rig.snapshot() == before, "nothing changed")
        #expect(try await rig.desk.escalations(EscalationQuery(), actor: DeskFixtures.amsterdam).map(\.status) == [.open])

        // Their own coordinator, an RCN of the safety region and an unscoped account see the case.
        let region = CoordinatorActor(name: "rcn-vr13", scope: try CoordinatorScope(scopes: ["VR13"]))
        let everywhere = CoordinatorActor(name: "admin", scope: .everywhere)
        for actor in [DeskFixtures.amsterdam, region, everywhere] {
            #expect(try await rig.desk.cases(CaseQuery(), actor: actor).map(\.caseId) == [record.caseId], "\(actor.name)")
            #expect(try await rig.desk.timeline(caseId: record.caseId, actor: actor).summary.caseId == record.caseId)
        }
        let acknowledged = try await rig.command {
            try await $0.acknowledge(escalationId: id, note: nil, actor: region, requestId: "x1")
        }
        #expect(acknowledged.acknowledgedBy == "rcn-vr13")
        await rig.close()
    }
}
