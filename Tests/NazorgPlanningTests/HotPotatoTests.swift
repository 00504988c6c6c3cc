import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()
private let coordinator = DeskFixtures.amsterdam

extension PlanningRig {
    /// The current case's open task that `matching` picks.
    func openTask(_ matching: (TaskRecord) -> Bool) async throws -> TaskRecord {
        guard let task = try await tasks(try await currentCase()).first(where: { $0.isOpen && matching($0) }) else {
            throw RigError(message: "no open task matches")
        }
        return task
    }

    /// The coordinator gives the open housing task of `from` to `to`.
    @discardableResult
    func reassignHousing(from: String, to: String, request: String) async throws -> TaskRecord {
        let task = try await openTask { $0.domain == .housing && $0.partnerId == from }
        return try await command {
            try await $0.reassign(taskId: task.taskId, toPartnerId: to, reason: "Synthetische reden.", actor: coordinator,
                                  requestId: request)
        }
    }
}

private func housingOf(_ partner: String) -> (TaskRecord) -> Bool { { $0.domain == .housing && $0.partnerId == partner } }

@Suite("Planning: hot potato")
struct HotPotatoTests {
    /// The scenario: a partner rejects, the coordinator reassigns, the next partner
    /// rejects too (hot potato naming both, with the time lost), the coordinator reassigns
    /// again (hot potato: reassigned twice), the third partner accepts and completes, and the
    /// case closes after release with every escalation resolved. Replayed with restarts.
    @Test func aNeedRejectedTwiceIsAHotPotatoUntilAThirdPartnerDelivers() async throws {
        let scenario = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("h-start", start: "2027-01-02", expected: "2027-06-15")) },
            Step("2027-01-07T09:00:00Z") {
                try await $0.deliver(desk.plan("h-plan", expected: "2027-06-15", [need(.housing, .needed), need(.id, .arranged)]))
            },
            Step("2027-01-20T09:00:00Z") { try await $0.report(.rejected, on: housingOf("woon-ams")) },
            Step("2027-01-21T09:00:00Z") { try await $0.reassignHousing(from: "woon-ams", to: "woon2-ams", request: "hp-1") },
            Step("2027-02-01T09:00:00Z") { try await $0.report(.rejected, on: housingOf("woon2-ams")) },
            Step("2027-02-02T09:00:00Z") { try await $0.reassignHousing(from: "woon2-ams", to: "opvang-ams", request: "hp-2") },
            Step("2027-02-10T09:00:00Z") { try await $0.report(.accepted, on: housingOf("opvang-ams")) },
            Step("2027-05-01T09:00:00Z") { try await $0.report(.completed, on: housingOf("opvang-ams")) },
            Step("2027-06-15T08:30:00Z") { try await $0.deliver(desk.released("h-rel", "2027-06-15T08:30:00Z")) },
            Step("2027-06-16T10:00:00Z") { try await $0.report(.completed) { $0.taskType == .firstContact } },
        ], seed: 8, planner: Planner(directory: DeskFixtures.directory))
        try await scenario.verify { rig in
            let raised = try rig.events(EscalationRaised.self)
            #expect(raised.map(\.reason) == [.taskRejected, .taskRejected, .hotPotato, .hotPotato])
            let potatoes = raised.filter { $0.reason == .hotPotato }
            #expect(potatoes[0].partnerIds == ["woon-ams", "woon2-ams"] && potatoes[0].partnerId == "woon2-ams")
            #expect(potatoes[0].timeLostHours == 25 * 24 && potatoes[0].domain == .housing && potatoes[0].municipality == "GM0363")
            #expect(potatoes[0].raisedAt == at("2027-02-01T09:00:00Z"))
            #expect(potatoes[1].partnerIds == ["woon-ams", "woon2-ams", "opvang-ams"] && potatoes[1].timeLostHours == 26 * 24)
            #expect(potatoes[0].escalationId != potatoes[1].escalationId)

            let assigned = try rig.events(TaskAssigned.self).filter { $0.domain == .housing }
            #expect(assigned.map(\.partnerId) == ["woon-ams", "woon2-ams", "opvang-ams"])
            #expect(Set(assigned.map(\.deadline)).count == 1, "the deadline stays with the need")
            #expect(assigned[2].reassignedFromTaskId == assigned[1].taskId && assigned[1].reassignedFromTaskId == assigned[0].taskId)
            let cancelled = try rig.events(TaskWithdrawn.self).filter { $0.reason == .reassigned }
            #expect(cancelled.map(\.partnerId) == ["woon-ams", "woon2-ams"])

            let closed = try #require(try rig.events(CaseClosed.self).first)
            #expect(closed.reason == .tasksCompleted && closed.closedAt == at("2027-06-16T10:00:00Z"))
            let resolved = try rig.events(EscalationUpdated.self)
            #expect(Set(resolved.map(\.escalationId)) == Set(raised.map(\.escalationId)))
            #expect(resolved.allSatisfy { $0.status == .resolved && $0.updatedBy == "planning" })
            // A rejection is settled when the coordinator reassigns the task; the hot potatoes
            // ask for judgement and stay until the case closes.
            #expect(resolved.map(\.updatedAt) == [at("2027-01-21T09:00:00Z"), at("2027-02-02T09:00:00Z"),
                                                   closed.closedAt, closed.closedAt])
            #expect(try await rig.desk.escalations(EscalationQuery(), actor: coordinator).isEmpty, "the inbox is empty")
        }
    }

    /// Planning itself gives the need back to the organisation that refused it (the plan
    /// said housing was arranged, then needed again): a hot potato without any reassignment.
    @Test func aNewPlanGivingTheNeedBackToTheOrganisationThatRejectedItIsAHotPotato() async throws {
        let clock = TestClock(at("2027-01-07T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        try await rig.deliver(desk.plan("n-plan", expected: "2027-06-15", [need(.housing, .needed), need(.income, .needed)]))
        clock.set(at("2027-01-08T09:00:00Z"))
        try await rig.report(.rejected, on: housingOf("woon-ams"))
        try await rig.report(.rejected, on: { $0.domain == .income })
        clock.set(at("2027-01-09T09:00:00Z"))
        try await rig.deliver(desk.plan("n-plan-2", expected: "2027-06-15", [need(.housing, .arranged), need(.income, .needed)]))
        #expect(try rig.events(EscalationRaised.self).map(\.reason) == [.taskRejected, .taskRejected])
        clock.set(at("2027-01-12T09:00:00Z"))
        try await rig.deliver(desk.plan("n-plan-3", expected: "2027-06-15", [need(.housing, .needed), need(.income, .needed)]))
        let assigned = try rig.events(TaskAssigned.self).filter { $0.domain == .housing }
        #expect(assigned.map(\.partnerId) == ["woon-ams", "woon-ams"], "the directory's first housing partner again")
        let potatoes = try rig.events(EscalationRaised.self).filter { $0.reason == .hotPotato }
        #expect(potatoes.count == 1, "income stayed with its partner: nothing was offered again")
        let potato = try #require(potatoes.first)
        #expect(potato.partnerIds == ["woon-ams"] && potato.partnerId == "woon-ams" && potato.domain == .housing)
        #expect(potato.taskId == assigned[1].taskId && potato.timeLostHours == 5 * 24)
        await rig.close()
    }

    @Test func offeringTheNeedAgainToAnOrganisationThatRejectedItIsAHotPotato() async throws {
        let clock = TestClock(at("2027-01-07T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        try await rig.deliver(desk.plan("o-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        clock.set(at("2027-01-08T09:00:00Z"))
        try await rig.report(.rejected, on: housingOf("woon-ams"))
        clock.set(at("2027-01-09T09:00:00Z"))
        try await rig.reassignHousing(from: "woon-ams", to: "woon2-ams", request: "o-1")
        #expect(try rig.events(EscalationRaised.self).map(\.reason) == [.taskRejected])
        clock.set(at("2027-01-10T09:00:00Z"))
        try await rig.reassignHousing(from: "woon2-ams", to: "woon-ams", request: "o-2")
        let potato = try #require(try rig.events(EscalationRaised.self).last)
        #expect(potato.reason == .hotPotato && potato.partnerIds == ["woon-ams", "woon2-ams"] && potato.partnerId == "woon-ams")
        #expect(potato.timeLostHours == 72)
        // It rejects again: a need rejected twice, a new hand-off, a new escalation.
        clock.set(at("2027-01-11T09:00:00Z"))
        try await rig.report(.rejected, on: housingOf("woon-ams"))
        let inbox = try await rig.desk.escalations(EscalationQuery(), actor: coordinator)
        // The first rejection was settled when the coordinator reassigned its task.
        #expect(inbox.map(\.escalation.reason) == [.hotPotato, .hotPotato, .taskRejected])
        #expect(inbox.map(\.urgencyRank) == [4, 4, 7])
        #expect(inbox[0].escalation.raisedAt < inbox[1].escalation.raisedAt, "oldest first within a rank")
        await rig.close()
    }
}
