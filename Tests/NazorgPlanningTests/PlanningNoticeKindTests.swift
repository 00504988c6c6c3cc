import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Contracts/examples")

/// The notice in `Contracts/examples/<file>`.
private func example(_ file: String) throws -> IntakeNotice {
    let type = try #require(EventType(rawValue: String(file.prefix { $0 != "-" })))
    return try IntakeNotice.decode(from: try Data(contentsOf: examples.appendingPathComponent(file)), eventType: type)
}

private let directory = try! PartnerDirectory(partners: [
    .init(id: "woon-test", name: "Woon", role: .housingCorporation, domains: [.housing], municipalities: ["*"], webhook: nil),
    .init(id: "id-test", name: "ID", role: .civilAffairs, domains: [.id], municipalities: ["*"], webhook: nil),
])

/// Planning decides on every kind of notice as it arrives from intake.
@Suite("Planning: every notice kind")
struct PlanningNoticeKindTests {
    let planner = Planner(directory: directory)

    @Test func everyNoticeExampleIsDecidedWithoutErrorAndOnlyReleasesAndWithdrawalsInventNoCase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted().filter {
            EventType(rawValue: String($0.prefix { $0 != "-" }))?.isIntakeNotice == true
        }
        #expect(files.count >= 12)
        for file in files {
            let notice = try example(file)
            let change = try planner.decide(notice: notice, eventId: "e-\(file)", trace: .random(), now: Date(), state: nil)
            switch notice {
            case .noticeWithdrawn, .released:
                #expect(change.upsertCases.isEmpty && change.outbox.isEmpty && change.ignoredBecause != nil,
                        "\(file) invents no case")
            default:
                #expect(change.outbox.first?.type == .caseOpened, "\(file) opens a case for a person never seen")
            }
        }
    }

    @Test func aRemandPlanWithoutDateKeepsTheKnownDateAndGivesDeadlinesFromToday() throws {
        let remand = try example("DetentionPlanShared-remand-example.json")
        let now = try #require(ContractCoding.parseTimestamp("2026-11-23T10:00:00Z"))
        let fresh = try planner.decide(notice: remand, eventId: "e-remand", trace: .random(), now: now, state: nil)
        #expect(fresh.upsertCase?.expectedReleaseDate == nil)
        let housing = try #require(fresh.upsertTasks.first { $0.domain == .housing })
        #expect(try housing.deadline == CalendarDate(year: 2026, month: 11, day: 23)!.adding(days: DeadlineRules.standard.withoutReleaseDate))
        #expect(fresh.upsertTasks.allSatisfy { $0.domain != .id }, "an unknown need is no delivery task")
        // Unknown is a screening task for the coordinator; this directory has none.
        let escalation = try #require(fresh.outbox.first { $0.type == .escalationRaised })
        #expect(try EscalationRaised.decodedJSON(escalation.payload).reason == .noPartner)

        var known = try #require(state(fresh))
        known.record.expectedReleaseDate = CalendarDate(year: 2027, month: 3, day: 15)
        let again = try planner.decide(notice: remand, eventId: "e-remand-2", trace: .random(), now: now, state: known)
        #expect(again.upsertCase?.expectedReleaseDate == CalendarDate(year: 2027, month: 3, day: 15))
    }

    @Test func anUnannouncedReleaseStillEscalatesAndAnAnnouncedOneDoesNot() throws {
        let started = try planner.decide(notice: try example("DetentionStarted-example.json"), eventId: "e-s", trace: .random(),
                                         now: Date(), state: nil)
        let unannounced = try planner.decide(notice: try example("Released-unannounced-example.json"), eventId: "e-u",
                                             trace: .random(), now: Date(), state: state(started))
        let escalation = try #require(unannounced.outbox.first { $0.type == .escalationRaised })
        #expect(try EscalationRaised.decodedJSON(escalation.payload).reason == .unannouncedRelease)
        let announced = try planner.decide(notice: try example("Released-example.json"), eventId: "e-a", trace: .random(),
                                           now: Date(), state: state(started))
        let reasons = try announced.outbox.filter { $0.type == .escalationRaised }.map { try EscalationRaised.decodedJSON($0.payload).reason }
        #expect(reasons == [.noPartner], "no unannounced-release; this directory has no coordinator for the first contact")
        #expect(announced.outbox.contains { $0.type == .releaseDayRecorded })
    }

    @Test func aTransferAndADateChangeUpdateTheCase() throws {
        let transfer = try planner.decide(notice: try example("Transferred-example.json"), eventId: "e-t", trace: .random(),
                                          now: Date(), state: nil)
        #expect(transfer.upsertCase?.prisonCode == "PI-TEST-2")
        let changed = try planner.decide(notice: try example("ReleaseDateChanged-example.json"), eventId: "e-c", trace: .random(),
                                         now: Date(), state: state(transfer))
        #expect(changed.upsertCase?.expectedReleaseDate == CalendarDate(year: 2027, month: 2, day: 22))
    }
}
