import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()
private let coordinator = DeskFixtures.amsterdam

private func isDeliver(_ domain: Domain) -> (TaskRecord) -> Bool { { $0.taskType == .deliver && $0.domain == domain } }

extension PlanningRig {
    /// The reasons in the coordinator's inbox (open and acknowledged), most urgent first.
    func inbox() async throws -> [EscalationRaised.Reason] {
        try await desk.escalations(EscalationQuery(), actor: coordinator).map(\.escalation.reason)
    }

    /// The escalations planning itself resolved, by reason.
    func settledByPlanning() throws -> [EscalationRaised.Reason] {
        let raised = try events(EscalationRaised.self)
        return try events(EscalationUpdated.self)
            .filter { $0.status == .resolved && $0.updatedBy == "planning" }
            .compactMap { update in raised.first { $0.escalationId == update.escalationId }?.reason }
    }
}

/// The inbox holds what still needs the coordinator: an escalation whose situation the case
/// has ended is resolved by planning, at the moment it ended; what asks for judgement stays.
@Suite("Planning: escalations that settle themselves")
struct EscalationSettlingTests {
    @Test func aPartnerThatAnswersLateSettlesItsNotAcceptedAndACompletedTaskItsMissedDeadline() async throws {
        var profile = MunicipalityProfile.standard
        profile.responseHours = ResponseHours(standard: 24)
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")),
                                  planner: Planner(directory: DeskFixtures.directory, profiles: .single(profile)))
        try await rig.deliver(desk.plan("l-plan", expected: "2027-02-15", [need(.id, .needed), need(.income, .needed)]))
        try await rig.tick(at: "2027-01-05T09:00:00Z")
        #expect(try await rig.inbox() == [.notAccepted, .notAccepted])
        rig.clock.set(at("2027-01-06T09:00:00Z"))
        try await rig.report(.accepted, on: isDeliver(.id))
        #expect(try await rig.inbox() == [.notAccepted], "the id desk answered")
        #expect(try rig.settledByPlanning() == [.notAccepted])
        let settled = try #require(try rig.events(EscalationUpdated.self).first)
        #expect(settled.updatedAt == at("2027-01-06T09:00:00Z"))
        // The ID was due 28 days before release (18 January); it is late, then done.
        try await rig.tick(at: "2027-01-19T09:00:00Z")
        #expect(try await rig.inbox() == [.deadlineMissed, .notAccepted])
        rig.clock.set(at("2027-01-20T09:00:00Z"))
        try await rig.report(.completed, on: isDeliver(.id))
        #expect(try await rig.inbox() == [.notAccepted], "income is still unanswered")
        #expect(try rig.settledByPlanning() == [.notAccepted, .deadlineMissed])
        await rig.close()
    }

    @Test func consentThatComesSettlesTheWaitAndAPlanThatComesLateSettlesPlanMissing() async throws {
        var profile = MunicipalityProfile.standard
        profile.consentWaitHours = 24
        let rig = try PlanningRig(clock: TestClock(at("2027-04-23T09:00:00Z")),
                                  planner: Planner(directory: DeskFixtures.directory, profiles: .single(profile)))
        try await rig.deliver(desk.started("w-start", start: "2027-04-23", expected: "2027-12-01"))
        try await rig.tick(at: "2027-05-12T09:00:00Z")
        #expect(try await rig.inbox() == [.planMissing])
        rig.clock.set(at("2027-05-13T09:00:00Z"))
        try await rig.deliver(desk.plan("w-plan", expected: "2027-12-01", [need(.housing, .needed)]))
        #expect(try await rig.inbox().isEmpty, "the plan came")
        try await rig.report(.awaitingConsent, reason: HubReason.consentMissing, on: isDeliver(.housing))
        try await rig.tick(at: "2027-05-14T09:00:00Z")
        #expect(try await rig.inbox() == [.consentTimeout, .awaitingConsent])
        rig.clock.set(at("2027-05-15T09:00:00Z"))
        try await rig.report(.offered, on: isDeliver(.housing))
        #expect(try await rig.inbox().isEmpty, "consent came and the task was offered")
        #expect(try rig.settledByPlanning() == [.planMissing, .awaitingConsent, .consentTimeout])
        await rig.close()
    }

    @Test func aReassignedRejectionIsSettledButAnUnannouncedReleaseAndAHotPotatoStay() async throws {
        let clock = TestClock(at("2027-01-07T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        try await rig.deliver(desk.plan("r-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        clock.set(at("2027-01-08T09:00:00Z"))
        try await rig.report(.rejected, on: { $0.domain == .housing && $0.partnerId == "woon-ams" })
        #expect(try await rig.inbox() == [.taskRejected])
        clock.set(at("2027-01-09T09:00:00Z"))
        _ = try await rig.reassignHousing(from: "woon-ams", to: "woon2-ams", request: "r-1")
        #expect(try await rig.inbox().isEmpty, "the coordinator gave the need to another partner")
        clock.set(at("2027-01-10T09:00:00Z"))
        try await rig.report(.rejected, on: { $0.domain == .housing && $0.partnerId == "woon2-ams" })
        #expect(try await rig.inbox() == [.hotPotato, .taskRejected])
        clock.set(at("2027-01-11T09:00:00Z"))
        _ = try await rig.reassignHousing(from: "woon2-ams", to: "opvang-ams", request: "r-2")
        #expect(try await rig.inbox() == [.hotPotato, .hotPotato], "passing the need on is the coordinator's judgement")
        // Released from court without notice, housing open: both stay until the coordinator acts.
        clock.set(at("2027-01-12T09:00:00Z"))
        try await rig.deliver(desk.released("r-rel", "2027-01-12T09:00:00Z", type: .releasedFromCourt, unannounced: true))
        try await rig.tick()
        #expect(try await rig.inbox() == [.unannouncedRelease, .releaseDayOpen, .hotPotato, .hotPotato])
        // The shelter arranges housing: the open release day is settled; the rest stays.
        clock.set(at("2027-01-13T09:00:00Z"))
        try await rig.report(.completed, on: { $0.domain == .housing && $0.partnerId == "opvang-ams" })
        #expect(try await rig.inbox() == [.unannouncedRelease, .hotPotato, .hotPotato])
        #expect(try rig.settledByPlanning() == [.taskRejected, .taskRejected, .releaseDayOpen])
        await rig.close()
    }

    /// The coordinator recorded that the person declines aftercare: a task the filter holds
    /// for that is visible in the case but no alarm, and its wait for consent counts only
    /// from when the person cooperates again.
    @Test func aTaskHeldWhileThePersonDeclinesRaisesNothingAndItsConsentWaitCountsFromCooperation() async throws {
        var profile = MunicipalityProfile.standard
        profile.consentWaitHours = 24
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")),
                                  planner: Planner(directory: DeskFixtures.directory, profiles: .single(profile)))
        try await rig.deliver(desk.started("c-start", start: "2027-01-04", expected: "2027-06-15"))
        let caseId = try await rig.currentCase().caseId
        _ = try await rig.cooperation(caseId, .declinesAftercare, request: "c-1")
        rig.clock.set(at("2027-01-05T09:00:00Z"))
        try await rig.deliver(desk.plan("c-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        try await rig.report(.awaitingConsent, reason: HubReason.noCooperation, on: isDeliver(.housing))
        try await rig.tick(at: "2027-01-09T09:00:00Z")
        #expect(try await rig.inbox().isEmpty, "the coordinator knows why the task waits")
        let timeline = try await rig.desk.timeline(caseId: caseId, actor: coordinator)
        #expect(timeline.entries.contains { $0.kind == .taskStatus && $0.code == "awaiting-consent" && $0.domain == .housing })
        rig.clock.set(at("2027-01-10T09:00:00Z"))
        _ = try await rig.cooperation(caseId, .cooperating, request: "c-2")
        try await rig.tick(at: "2027-01-11T08:59:59Z")
        #expect(try await rig.inbox().isEmpty)
        try await rig.tick(at: "2027-01-11T09:00:00Z")
        #expect(try await rig.inbox() == [.consentTimeout], "24 hours after the person cooperates again")
        #expect(try rig.escalations(.consentTimeout).first?.wasDueAt == at("2027-01-11T09:00:00Z"))
        await rig.close()
    }
}
