import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

/// Timers in whole detentions, each replayed with planning restarted at random points: the
/// same escalations, once each.
@Suite("Planning: timers in whole detentions")
struct TimerScenarioTests {
    @Test func aPartnerNeverAnswersNotAcceptedAfterItsResponseTimeThenOverdue() async throws {
        let silence = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("s-start", start: "2027-01-02", expected: "2027-03-15")) },
            Step("2027-01-05T09:00:00Z") { try await $0.deliver(desk.plan("s-plan", expected: "2027-03-15", [need(.housing, .needed)])) },
            Step("2027-01-08T08:59:59Z"),
            Step("2027-01-08T09:00:00Z"),
            Step("2027-02-01T09:00:00Z"),
            Step("2027-03-15T22:59:59Z"),
            Step("2027-03-15T23:00:00Z"),
            Step("2027-03-20T09:00:00Z"),
        ], seed: 81)
        try await silence.verify { rig in
            let escalations = try rig.events(EscalationRaised.self).filter { $0.reason != .releaseDayOpen }
            #expect(escalations.map(\.reason) == [.notAccepted, .deadlineMissed])
            let notAccepted = escalations[0]
            #expect(notAccepted.domain == .housing && notAccepted.partnerId == "woon-ams" && notAccepted.municipality == "GM0363")
            #expect(notAccepted.wasDueAt == at("2027-01-08T09:00:00Z") && notAccepted.raisedAt == at("2027-01-08T09:00:00Z"))
            let overdue = escalations[1]
            #expect(overdue.domain == .housing && overdue.partnerId == "woon-ams" && overdue.taskId == notAccepted.taskId)
            #expect(overdue.wasDueAt == at("2027-03-15T23:00:00Z") && overdue.raisedAt == at("2027-03-15T23:00:00Z"))
        }
    }

    @Test func releaseDayPassesWithHousingOpenEscalationOnTheDay() async throws {
        let open = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("h-start", start: "2027-01-02", expected: "2027-04-01")) },
            Step("2027-01-06T09:00:00Z") {
                try await $0.deliver(desk.plan("h-plan", expected: "2027-04-01", [need(.housing, .needed), need(.id, .needed)]))
            },
            Step("2027-01-07T09:00:00Z") {
                try await $0.report(.accepted) { $0.domain == .housing }
                try await $0.report(.accepted) { $0.domain == .id }
            },
            Step("2027-02-01T09:00:00Z") { try await $0.report(.completed) { $0.domain == .id } },
            Step("2027-03-31T21:59:00Z"),
            Step("2027-03-31T22:00:00Z"),
            Step("2027-04-01T07:45:00Z") { try await $0.deliver(desk.released("h-rel", "2027-04-01T07:45:00Z")) },
            Step("2027-04-02T09:00:00Z"),
        ], seed: 82)
        try await open.verify { rig in
            let open = try rig.events(EscalationRaised.self).filter { $0.reason == .releaseDayOpen }
            #expect(open.count == 1)
            let housing = try #require(open.first)
            #expect(housing.domain == .housing && housing.partnerId == "woon-ams" && housing.municipality == "GM0363")
            #expect(housing.wasDueAt == at("2027-03-31T22:00:00Z") && housing.raisedAt == at("2027-03-31T22:00:00Z"))
            let releaseDay = try #require(try rig.events(ReleaseDayRecorded.self).first)
            #expect(releaseDay.coverage.first { $0.domain == .housing }?.state == .open)
            #expect(try rig.events(EscalationRaised.self).allSatisfy { $0.reason != .notAccepted }, "both partners accepted")
        }
    }
}
