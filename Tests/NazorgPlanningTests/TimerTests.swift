import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

extension PlanningRig {
    /// The escalations published so far with this reason.
    func escalations(_ reason: EscalationRaised.Reason) throws -> [EscalationRaised] {
        try events(EscalationRaised.self).filter { $0.reason == reason }
    }

    /// Moves the clock and runs the timers as the service would.
    func tick(at moment: String) async throws {
        clock.set(at(moment))
        try await tick()
    }
}

private func isDeliver(_ domain: Domain) -> (TaskRecord) -> Bool { { $0.taskType == .deliver && $0.domain == domain } }

/// Each kind of timer fires once, at its moment and not before.
@Suite("Planning: timers")
struct TimerTests {
    @Test func notAcceptedFiresOnceAfterThePartnersResponseTime() async throws {
        var profile = MunicipalityProfile.standard
        profile.responseHours = ResponseHours(standard: 72, roles: [.housingCorporation: 120], partners: ["schuld-nl": 24])
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")),
                                  planner: Planner(directory: Fixtures.directory, profiles: .single(profile)))
        try await rig.deliver(desk.plan("a-plan", expected: "2027-06-15", [
            need(.housing, .needed), need(.income, .needed), need(.debts, .needed), need(.care, .needed),
        ]))
        try await rig.report(.accepted, on: isDeliver(.care))
        try await rig.tick(at: "2027-01-05T08:59:59Z")
        #expect(try rig.escalations(.notAccepted).isEmpty)
        try await rig.tick(at: "2027-01-05T09:00:00Z")
        let debts = try #require(try rig.escalations(.notAccepted).first)
        #expect(debts.domain == .debts && debts.partnerId == "schuld-nl" && debts.municipality == "GM0363")
        #expect(debts.wasDueAt == at("2027-01-05T09:00:00Z") && debts.raisedAt == at("2027-01-05T09:00:00Z") && debts.taskId != nil)
        try await rig.tick(at: "2027-01-07T08:59:59Z")
        #expect(try rig.escalations(.notAccepted).count == 1)
        try await rig.tick(at: "2027-01-07T09:00:00Z")
        try await rig.tick(at: "2027-01-08T09:00:00Z")
        #expect(try rig.escalations(.notAccepted).map(\.domain) == [.debts, .income])
        try await rig.tick(at: "2027-01-09T09:00:00Z")
        try await rig.tick(at: "2027-01-10T09:00:00Z")
        #expect(try rig.escalations(.notAccepted).map(\.domain) == [.debts, .income, .housing], "the role's 120 hours")
        #expect(try rig.escalations(.notAccepted).allSatisfy { $0.domain != .care }, "accepted in time")
        await rig.close()
    }

    @Test func aFractionOfAnHourFromTheProfilesFileIsTheTermToTheSecond() async throws {
        let profiles = try MunicipalityProfiles(yaml: "default: {responseHours: {default: 0.05}, consentWaitHours: 0.5}",
                                                directory: Fixtures.directory)
        #expect(profiles.profile(for: "GM0363").consentWaitHours == 0.5)
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")),
                                  planner: Planner(directory: Fixtures.directory, profiles: profiles))
        try await rig.deliver(desk.plan("f-plan", expected: "2027-06-15", [need(.income, .needed)]))
        try await rig.tick(at: "2027-01-04T09:02:59Z")
        #expect(try rig.escalations(.notAccepted).isEmpty)
        try await rig.tick(at: "2027-01-04T09:03:00Z")
        #expect(try rig.escalations(.notAccepted).map(\.wasDueAt) == [at("2027-01-04T09:03:00Z")], "0.05 hours is three minutes")
        await rig.close()
    }

    @Test func timeWaitingForConsentIsNotThePartnersAndTooLongEscalatesConsentTimeout() async throws {
        var profile = MunicipalityProfile.standard
        profile.consentWaitHours = 24
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")),
                                  planner: Planner(directory: Fixtures.directory, profiles: .single(profile)))
        try await rig.deliver(desk.plan("c-plan", expected: "2027-06-15", [need(.housing, .needed), need(.income, .needed)]))
        rig.clock.set(at("2027-01-04T10:00:00Z"))
        try await rig.report(.awaitingConsent, reason: HubReason.consentMissing, on: isDeliver(.housing))
        try await rig.report(.awaitingConsent, reason: HubReason.consentMissing, on: isDeliver(.income))
        // Consent came for income: offered now, and its response time starts now.
        rig.clock.set(at("2027-01-05T09:00:00Z"))
        try await rig.report(.offered, on: isDeliver(.income))
        try await rig.tick(at: "2027-01-05T09:59:59Z")
        #expect(try rig.escalations(.consentTimeout).isEmpty)
        try await rig.tick(at: "2027-01-05T10:00:00Z")
        let timeout = try rig.escalations(.consentTimeout)
        #expect(timeout.count == 1 && timeout.first?.domain == .housing && timeout.first?.wasDueAt == at("2027-01-05T10:00:00Z"))
        try await rig.tick(at: "2027-01-07T09:00:00Z")
        #expect(try rig.escalations(.notAccepted).isEmpty, "a task parked for consent is not waiting for the partner")
        try await rig.tick(at: "2027-01-08T09:00:00Z")
        let late = try rig.escalations(.notAccepted)
        #expect(late.count == 1 && late.first?.domain == .income && late.first?.wasDueAt == at("2027-01-08T09:00:00Z"))
        #expect(try rig.escalations(.consentTimeout).count == 1)
        await rig.close()
    }

    @Test func deadlineMissedFiresWhenTheDeadlineDayHasPassedInAmsterdamAndAgainOnlyForAMovedDeadline() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        try await rig.deliver(desk.plan("d-plan", expected: "2027-06-15", [need(.id, .needed)]))
        // The ID is due 28 days before release: 18 May. Amsterdam's 19 May starts at 22:00 UTC.
        try await rig.tick(at: "2027-05-18T21:59:59Z")
        #expect(try rig.escalations(.deadlineMissed).isEmpty)
        try await rig.tick(at: "2027-05-18T22:00:00Z")
        try await rig.tick(at: "2027-05-20T22:00:00Z")
        let missed = try rig.escalations(.deadlineMissed)
        #expect(missed.count == 1 && missed.first?.domain == .id && missed.first?.partnerId == "id-ams")
        #expect(missed.first?.wasDueAt == at("2027-05-18T22:00:00Z"))
        // The release moves a month on: a new deadline, which passes in its turn.
        rig.clock.set(at("2027-05-21T09:00:00Z"))
        try await rig.deliver(desk.dateChanged("d-later", from: "2027-06-15", to: "2027-07-15"))
        try await rig.tick(at: "2027-06-16T21:59:59Z")
        #expect(try rig.escalations(.deadlineMissed).count == 1)
        try await rig.tick(at: "2027-06-17T22:00:00Z")
        #expect(try rig.escalations(.deadlineMissed).map(\.wasDueAt) == [at("2027-05-18T22:00:00Z"), at("2027-06-17T22:00:00Z")])
        await rig.close()
    }

    @Test func planMissingCountsTenWorkingDaysWithoutHolidays() async throws {
        // Friday 23 April 2027: King's Day (Tuesday 27 April) and Ascension Day (6 May) do
        // not count, Liberation Day 2027 (not a lustrum year) does: the tenth is 11 May.
        let rig = try PlanningRig(clock: TestClock(at("2027-04-23T09:00:00Z")))
        try await rig.deliver(desk.started("p-start", start: "2027-04-23", expected: "2027-12-01"))
        try await rig.tick(at: "2027-05-11T21:59:59Z")
        #expect(try rig.escalations(.planMissing).isEmpty)
        try await rig.tick(at: "2027-05-11T22:00:00Z")
        try await rig.tick(at: "2027-05-12T09:00:00Z")
        let missing = try rig.escalations(.planMissing)
        #expect(missing.count == 1 && missing.first?.wasDueAt == at("2027-05-11T22:00:00Z") && missing.first?.domain == nil)
        await rig.close()

        let planned = try PlanningRig(clock: TestClock(at("2027-04-23T09:00:00Z")))
        try await planned.deliver(desk.started("q-start", start: "2027-04-23", expected: "2027-12-01"))
        planned.clock.set(at("2027-05-10T09:00:00Z"))
        try await planned.deliver(desk.plan("q-plan", expected: "2027-12-01", [need(.housing, .arranged)]))
        try await planned.tick(at: "2027-05-20T09:00:00Z")
        #expect(try planned.escalations(.planMissing).isEmpty, "the plan came in time")
        await planned.close()
    }

    @Test func firstContactMissedFiresAtItsDueMomentUnlessItWasDone() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        try await rig.deliver(desk.plan("f-plan", expected: "2027-03-01", [need(.housing, .arranged)]))
        rig.clock.set(at("2027-03-01T10:15:00Z"))
        try await rig.deliver(desk.released("f-rel", "2027-03-01T10:15:00Z"))
        try await rig.tick(at: "2027-03-03T10:14:59Z")
        #expect(try rig.escalations(.firstContactMissed).isEmpty)
        try await rig.tick(at: "2027-03-03T10:15:00Z")
        try await rig.tick(at: "2027-03-04T10:15:00Z")
        let missed = try rig.escalations(.firstContactMissed)
        #expect(missed.count == 1 && missed.first?.partnerId == "regie-ams" && missed.first?.wasDueAt == at("2027-03-03T10:15:00Z"))
        #expect(try rig.escalations(.notAccepted).isEmpty, "nobody accepts a first contact")
        #expect(try rig.escalations(.deadlineMissed).isEmpty, "the first contact has its own timer")
        await rig.close()

        let done = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        try await done.deliver(desk.plan("g-plan", expected: "2027-03-01", [need(.housing, .needed)]))
        done.clock.set(at("2027-03-01T10:15:00Z"))
        try await done.deliver(desk.released("g-rel", "2027-03-01T10:15:00Z"))
        done.clock.set(at("2027-03-02T09:00:00Z"))
        try await done.report(.completed) { $0.taskType == .firstContact }
        try await done.tick(at: "2027-03-05T09:00:00Z")
        #expect(try done.escalations(.firstContactMissed).isEmpty)
        await done.close()
    }

    @Test func releaseDayOpenOncePerOpenBasisvoorwaardeAtTheStartOfTheExpectedDayOrAtAnEarlierRelease() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        try await rig.deliver(desk.plan("r-plan", expected: "2027-06-15", [
            need(.housing, .needed), need(.income, .needed), need(.id, .arranged), need(.debts, .unknown),
        ]))
        try await rig.report(.completed, on: isDeliver(.income))
        try await rig.tick(at: "2027-06-14T21:59:59Z")
        #expect(try rig.escalations(.releaseDayOpen).isEmpty)
        try await rig.tick(at: "2027-06-14T22:00:00Z")
        let open = try rig.escalations(.releaseDayOpen)
        #expect(open.map(\.domain) == [.housing, .debts] && open.allSatisfy { $0.wasDueAt == at("2027-06-14T22:00:00Z") })
        #expect(open.first?.partnerId == "woon-ams" && open.last?.partnerId == nil)
        // The release itself that day is the same release day: nothing again.
        rig.clock.set(at("2027-06-15T08:30:00Z"))
        try await rig.deliver(desk.released("r-rel", "2027-06-15T08:30:00Z"))
        try await rig.tick(at: "2027-06-15T09:00:00Z")
        #expect(try rig.escalations(.releaseDayOpen).count == 2)
        await rig.close()

        let early = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        try await early.deliver(desk.plan("e-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        early.clock.set(at("2027-05-20T13:00:00Z"))
        try await early.deliver(desk.released("e-rel", "2027-05-20T13:00:00Z", type: .conditionalRelease))
        try await early.tick()
        let atRelease = try early.escalations(.releaseDayOpen)
        #expect(atRelease.count == 1 && atRelease.first?.wasDueAt == at("2027-05-20T13:00:00Z"))
        try await early.tick(at: "2027-06-15T09:00:00Z")
        #expect(try early.escalations(.releaseDayOpen).count == 1, "the expected day no longer counts once out")
        await early.close()
    }

    @Test func planningRestartedBetweenATimersDueTimeAndItsFiringFiresItOnce() async throws {
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")))
        try await rig.deliver(desk.plan("s-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        try await rig.tick(at: "2027-01-06T09:00:00Z")
        #expect(try rig.escalations(.notAccepted).isEmpty)
        // Planning stops; the response time passes while it is down; a new engine starts on
        // the same store and fires what fell due.
        rig.clock.set(at("2027-01-09T12:00:00Z"))
        try await rig.restart()
        let fired = try rig.escalations(.notAccepted)
        #expect(fired.count == 1 && fired.first?.wasDueAt == at("2027-01-07T09:00:00Z") && fired.first?.raisedAt == at("2027-01-09T12:00:00Z"))
        try await rig.tick()
        try await rig.restart()
        try await rig.tick(at: "2027-01-10T12:00:00Z")
        #expect(try rig.escalations(.notAccepted).count == 1)
        #expect(rig.refusals.isEmpty)
        await rig.close()
    }
}
