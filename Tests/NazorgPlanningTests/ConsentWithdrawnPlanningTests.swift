import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

private func isDeliver(_ domain: Domain) -> (TaskRecord) -> Bool { { $0.taskType == .deliver && $0.domain == domain } }

/// The filter stopped a task because the person withdrew consent: planning withdraws it (as
/// retracted), puts a new task for the same partner in its place, and the coordinator sees
/// the wait for consent as with any parked task.
@Suite("Planning: consent withdrawn")
struct ConsentWithdrawnPlanningTests {
    @Test func aTaskStoppedForWithdrawnConsentIsReplacedForTheSamePartnerAndWaitsForConsentAgain() async throws {
        var profile = MunicipalityProfile.standard
        profile.consentWaitHours = 24
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")),
                                  planner: Planner(directory: DeskFixtures.directory, profiles: .single(profile)))
        try await rig.deliver(desk.plan("cw-plan", expected: "2027-06-15", [need(.housing, .needed), need(.income, .needed)]))
        try await rig.report(.accepted, on: isDeliver(.housing))
        let income = try await rig.report(.completed, on: isDeliver(.income))
        rig.clock.set(at("2027-01-06T09:00:00Z"))
        let housing = try await rig.report(.undeliverable, reason: HubReason.consentWithdrawn, on: isDeliver(.housing))
        // The same report about a task already completed changes nothing.
        try await rig.report(.undeliverable, reason: HubReason.consentWithdrawn, about: income)

        let withdrawn = try rig.events(TaskWithdrawn.self)
        #expect(withdrawn.map(\.taskId) == [housing.taskId])
        #expect(withdrawn.first?.reason == .consentWithdrawn && withdrawn.first?.retract == true)
        let assigned = try rig.events(TaskAssigned.self).filter { $0.domain == .housing }
        #expect(assigned.count == 2)
        let replacement = try #require(assigned.last)
        #expect(replacement.partnerId == housing.partnerId && replacement.deadline == assigned[0].deadline)
        #expect(replacement.reassignedFromTaskId == nil && replacement.taskId != housing.taskId)
        let statuses = try rig.events(TaskStatusChanged.self).filter { $0.taskId == housing.taskId }
        #expect(statuses.last?.status == .undeliverable && statuses.last?.reason == HubReason.consentWithdrawn)

        let tasks = try await rig.tasks(try await rig.currentCase())
        #expect(tasks.first { $0.taskId == housing.taskId }?.isOpen == false)
        #expect(tasks.first { $0.taskId == income.taskId }?.status == TaskStatus.completed.rawValue)
        #expect(tasks.filter { $0.isOpen && $0.domain == .housing }.map(\.taskId) == [replacement.taskId])
        #expect(try rig.events(EscalationRaised.self).isEmpty, "a withdrawal is the person's right, no hand-off")

        // The filter parks the new task; its wait becomes a consent timeout for the coordinator.
        try await rig.report(.awaitingConsent, reason: HubReason.consentMissing, on: isDeliver(.housing))
        try await rig.tick(at: "2027-01-07T09:00:00Z")
        #expect(try rig.events(EscalationRaised.self).map(\.reason).contains(.consentTimeout))

        // Redelivered after a crash: nothing is published twice.
        let before = try rig.events(TaskAssigned.self).count
        try await rig.restart()
        try await rig.deliver(rig.delivered, remember: false)
        #expect(try rig.events(TaskAssigned.self).count == before)
        #expect(try rig.events(TaskWithdrawn.self).count == 1)
        await rig.close()
    }
}
