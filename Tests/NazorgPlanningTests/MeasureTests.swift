import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

/// Amsterdam uses the three measures of seed 002 and does not arrange network through the hub.
private let amsterdam = MunicipalityProfile(covers: [.id, .housing, .income, .debts, .care], measures: [
    MeasurePlan(.rentContinuation, owner: .partner("wi-ams"), deadline: DeadlineRule(.detentionStart, days: 14)),
    MeasurePlan(.benefitRevival, owner: .role(.socialServices), deadline: DeadlineRule(.expectedRelease, days: -14)),
    MeasurePlan(.kostendelersnormExemption, owner: .role(.debtRelief), deadline: DeadlineRule(.expectedRelease)),
])
private let planner = Planner(directory: Fixtures.directory,
                              profiles: MunicipalityProfiles(municipalities: ["GM0363": amsterdam]))

private func housing(_ situation: HousingDetails.Situation, atRisk: Bool? = nil) -> NeedDetails {
    NeedDetails(housing: HousingDetails(currentSituation: situation, tenancyAtRisk: atRisk))
}

private func income(_ benefit: IncomeDetails.Benefit) -> NeedDetails {
    NeedDetails(income: IncomeDetails(benefit: benefit, employment: .none))
}

/// Alternative measures as tasks: planned when the D&R plan calls for them, apart from the
/// needs' own tasks, withdrawn with the case.
@Suite("Planning: alternative measures")
struct MeasureTests {
    @Test func eachMeasureIsPlannedWhenItsConditionFirstHoldsWithItsOwnOwnerAndDeadline() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")), planner: planner)
        try await rig.deliver(desk.started("m-start", start: "2027-01-02", expected: "2027-06-15"))
        #expect(try rig.events(TaskAssigned.self).isEmpty, "no plan yet: no condition holds")
        rig.clock.set(at("2027-01-08T09:00:00Z"))
        try await rig.deliver(desk.plan("m-plan", expected: "2027-06-15", [
            need(.housing, .arranged, details: housing(.ownTenancy, atRisk: true)),
            need(.income, .needed, details: income(.suspended)),
        ]))
        let measures = try rig.events(TaskAssigned.self).filter { $0.taskType == .measure }
        #expect(measures.count == 2)
        let rent = try #require(measures.first { $0.measure == .rentContinuation })
        #expect(rent.domain == .housing && rent.partnerId == "wi-ams" && rent.deadline == day("2027-01-16") && !rent.urgent)
        let revival = try #require(measures.first { $0.measure == .benefitRevival })
        #expect(revival.domain == .income && revival.partnerId == "wi-ams" && revival.deadline == day("2027-06-01"))
        #expect(revival.details?.income?.benefit == .suspended, "the task carries its basisvoorwaarde's details")
        #expect(rent.taskId != revival.taskId)
        // The need's own tasks are separate: housing arranged gets none, income a delivery task.
        let deliver = try rig.events(TaskAssigned.self).filter { $0.taskType == .deliver }
        #expect(deliver.map(\.domain) == [.income])

        // A later plan: housing still arranged (reconcile must leave the measure alone),
        // the person now returns to family, and the same measures are not planned again.
        rig.clock.set(at("2027-02-01T09:00:00Z"))
        try await rig.deliver(desk.plan("m-plan-2", expected: "2027-06-15", [
            need(.housing, .arranged, details: housing(.withFamilyOrFriends)),
            need(.income, .needed, details: income(.suspended)),
        ]))
        let all = try rig.events(TaskAssigned.self).filter { $0.taskType == .measure }
        #expect(all.count == 3)
        let exemption = try #require(all.first { $0.measure == .kostendelersnormExemption })
        #expect(exemption.partnerId == "schuld-nl" && exemption.domain == .income && exemption.deadline == day("2027-06-15"))
        #expect(try rig.events(TaskWithdrawn.self).isEmpty, "an arranged need does not withdraw its measure")
        let current = try #require(try await rig.cases().last)
        let stored = try await rig.tasks(current).filter { $0.taskType == .measure }
        #expect(Set(stored.compactMap(\.measure)) == [.rentContinuation, .benefitRevival, .kostendelersnormExemption])
        await rig.close()
    }

    @Test func noMeasureWithoutItsCondition() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")), planner: planner)
        try await rig.deliver(desk.plan("c-plan", expected: "2027-06-15", [
            need(.housing, .needed, details: housing(.ownTenancy, atRisk: false)),
            need(.income, .needed, details: income(.running)),
        ]))
        #expect(try rig.events(TaskAssigned.self).allSatisfy { $0.taskType != .measure })
        // Elsewhere (Rotterdam: the standard profile) no measure at all, whatever the plan says.
        let rotterdam = PIDesk(subject: String(repeating: "5c", count: 16), municipality: "GM0599")
        try await rig.deliver(rotterdam.plan("r-plan", expected: "2027-06-15", [
            need(.housing, .needed, details: housing(.ownTenancy, atRisk: true)),
        ]))
        #expect(try rig.events(TaskAssigned.self).allSatisfy { $0.taskType != .measure })
        await rig.close()
    }

    @Test func aBasisvoorwaardeTheMunicipalityDoesNotCoverGetsNoTaskButOneEscalation() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")), planner: planner)
        try await rig.deliver(desk.plan("v-plan", expected: "2027-06-15", [need(.network, .needed), need(.debts, .needed)]))
        try await rig.deliver(desk.plan("v-plan-2", expected: "2027-06-15", [need(.network, .needed)]))
        #expect(try rig.events(TaskAssigned.self).map(\.domain) == [.debts])
        // One escalation: the plan shared again meets the same situation, under the same id.
        let escalations = try rig.events(EscalationRaised.self).filter { $0.reason == .noPartner }
        #expect(Set(escalations.map(\.escalationId)).count == 1)
        #expect(escalations.allSatisfy { $0.domain == .network && $0.municipality == "GM0363" && $0.taskId == nil })
        await rig.close()
    }

    @Test func measureTasksAreWithdrawnWhenTheCaseCloses() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")), planner: planner)
        try await rig.deliver(desk.started("w-start", start: "2027-01-02", expected: "2027-03-01"))
        try await rig.deliver(desk.plan("w-plan", expected: "2027-03-01", [need(.housing, .arranged, details: housing(.ownTenancy))]))
        rig.clock.set(at("2027-03-01T09:00:00Z"))
        try await rig.deliver(desk.released("w-rel", "2027-03-01T09:00:00Z"))
        rig.clock.set(at("2027-03-02T09:00:00Z"))
        try await rig.deliver(desk.started("w-again", start: "2027-03-02"))
        let rent = try #require(try rig.events(TaskAssigned.self).first { $0.measure == .rentContinuation })
        let withdrawn = try rig.events(TaskWithdrawn.self).filter { $0.taskId == rent.taskId }
        #expect(withdrawn.count == 1 && withdrawn.first?.reason == .caseClosed && withdrawn.first?.taskType == .measure)
        await rig.close()
    }
}
