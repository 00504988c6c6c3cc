import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let amsterdam = DutchTime.zone

private func context(start: String = "2027-01-02", expected: String? = "2027-06-15", releasedAt: String? = nil,
                     plannedOn: String = "2027-01-05") -> DeadlineContext {
    let moment = releasedAt.map(at)
    return DeadlineContext(detentionStart: day(start), expectedReleaseDate: expected.map(day), releasedAt: moment,
                           releaseDay: moment.map { CalendarDate($0, in: amsterdam) }, plannedOn: day(plannedOn),
                           timeZone: amsterdam)
}

@Suite("Planning: deadline rules")
struct DeadlineRulesTests {
    let rules = DeadlineRules.standard

    @Test func standardRulesAnchorOnDetentionStartTheExpectedDateAndTheActualRelease() throws {
        let inside = context()
        #expect(try rules.deadline(for: .deliver, domain: .id, in: inside).date == day("2027-05-18"))
        #expect(try rules.deadline(for: .deliver, domain: .housing, in: inside).date == day("2027-06-15"))
        #expect(try rules.deadline(for: .deliver, domain: .income, in: inside).date == day("2027-06-15"))
        #expect(try rules.deadline(for: .deliver, domain: .debts, in: inside).date == day("2027-07-13"))
        #expect(try rules.deadline(for: .deliver, domain: .network, in: inside).date == day("2027-06-29"))
        #expect(try rules.deadline(for: .screen, domain: .care, in: inside).date == day("2027-01-12"))
        // Out three weeks early: what counts from release counts from the day they walked out.
        let out = context(releasedAt: "2027-05-25T22:30:00Z")  // 00:30 on 26 May in Amsterdam
        #expect(try rules.deadline(for: .deliver, domain: .debts, in: out).date == day("2027-06-23"))
        #expect(try rules.deadline(for: .deliver, domain: .housing, in: out).date == day("2027-05-26"))
        let first = try rules.deadline(for: .firstContact, domain: nil, in: out)
        #expect(first.dueAt == at("2027-05-27T22:30:00Z") && first.date == day("2027-05-28"))
    }

    @Test func withoutAReleaseDateRulesFromReleaseCountFromThePlanningDay() throws {
        let remand = context(expected: nil, plannedOn: "2027-02-05")
        for domain in [Domain.id, .housing, .debts] {
            #expect(try rules.deadline(for: .deliver, domain: domain, in: remand).date == day("2027-03-05"))
        }
        #expect(try rules.deadline(for: .screen, domain: .id, in: remand).date == day("2027-01-12"), "screening still counts from the start")
    }

    @Test func aDeadlineAlreadyPastOrTodayWhenComputedIsUrgent() throws {
        let now = at("2027-05-20T10:00:00Z")
        let today = CalendarDate(now, in: amsterdam)
        #expect(Deadline(date: day("2027-05-18")).isUrgent(now: now, today: today))
        #expect(Deadline(date: day("2027-05-20")).isUrgent(now: now, today: today))
        #expect(!Deadline(date: day("2027-05-21")).isUrgent(now: now, today: today))
        #expect(Deadline(date: day("2027-05-21"), dueAt: at("2027-05-20T09:00:00Z")).isUrgent(now: now, today: today))
        // A plan shared late: the ID deadline (28 days before release) is gone already.
        let planner = Planner(directory: Fixtures.directory)
        let late = try planner.decide(notice: PIDesk().plan("late", expected: "2027-06-10", [need(.id, .needed), need(.housing, .needed)]),
                                      eventId: "late", trace: .random(), now: now, state: nil)
        #expect(late.upsertTasks.first { $0.domain == .id }?.urgent == true)
        #expect(late.upsertTasks.first { $0.domain == .housing }?.urgent == false)
        let assigned = try late.outbox.filter { $0.type == .taskAssigned }.map { try TaskAssigned.decodedJSON($0.payload) }
        #expect(assigned.first { $0.domain == .id }.map { ($0.urgent, $0.deadline) }! == (true, day("2027-05-13")))
    }

    @Test func aMunicipalityProfileCanComeFromYAMLAndBadRulesAreRefused() throws {
        let profile = try DeadlineRules(yaml: """
            deliver:
              id: {anchor: expected-release, days: -42}
              housing: {anchor: expected-release}
            screen: {anchor: detention-start, days: 14}
            firstContact: {anchor: release-moment, hours: 24}
            withoutReleaseDate: 21
            """)
        #expect(profile.deliver[.id] == DeadlineRule(.expectedRelease, days: -42))
        #expect(profile.deliver[.housing] == DeadlineRule(.expectedRelease))
        // A partial map merges over the standard rules: debts keeps its own.
        #expect(profile.deliver[.debts] == DeadlineRules.standard.deliver[.debts])
        #expect(profile.rule(for: .deliver, domain: .network) == DeadlineRule(.release, days: 14))
        #expect(profile.firstContact.hours == 24 && profile.withoutReleaseDate == 21)
        let encoded = try JSONEncoder().encode(DeadlineRules.standard)
        #expect(try JSONDecoder().decode(DeadlineRules.self, from: encoded) == .standard)
        #expect(throws: ConfigurationError.self) { try DeadlineRules(yaml: "deliver: {passport: {anchor: release}}") }
        #expect(throws: ConfigurationError.self) { try DeadlineRules(yaml: "screen: {anchor: detention-start, hours: 5}") }
        #expect(throws: ConfigurationError.self) { try DeadlineRules(yaml: "screen: {anchor: someday}") }
        #expect(throws: ConfigurationError.self) { try DeadlineRules(yaml: "screen: {anchor: release, days: 99999999}") }
    }
}
