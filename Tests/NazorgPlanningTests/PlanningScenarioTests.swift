import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

private func isDeliver(_ domain: Domain) -> (TaskRecord) -> Bool { { $0.taskType == .deliver && $0.domain == domain } }
private func isFirstContact(_ task: TaskRecord) -> Bool { task.taskType == .firstContact }

/// Whole detentions on planning's own store and engine, with an injected clock; each also
/// replayed with planning restarted at a random point.
@Suite("Planning: whole detentions")
struct PlanningScenarioTests {
    @Test func aNormalSentenceEndsWithEveryBasisvoorwaardeArrangedOnReleaseDayAndAtClosure() async throws {
        let scenario = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("n-start", start: "2027-01-02", expected: "2027-06-15")) },
            Step("2027-01-07T09:00:00Z") {
                try await $0.deliver(desk.plan("n-plan", expected: "2027-06-15", [
                    need(.id, .needed, details: NeedDetails(id: IDDetails(validDocumentPresent: false, documentType: .identityCard))),
                    need(.housing, .needed, details: NeedDetails(housing: HousingDetails(currentSituation: .noFixedAbode)),
                         remark: "Synthetische opmerking."),
                    need(.income, .needed), need(.debts, .needed), need(.care, .arranged), need(.network, .needed),
                ]))
            },
            Step("2027-02-01T09:00:00Z") { try await $0.deliver(desk.scheduled("n-sched", "2027-06-15")) },
            Step("2027-03-01T09:00:00Z") { try await $0.report(.accepted, on: isDeliver(.housing)) },
            Step("2027-04-01T09:00:00Z") { try await $0.report(.completed, on: isDeliver(.id)) },
            Step("2027-05-01T09:00:00Z") {
                for domain in [Domain.housing, .income, .debts, .network] { try await $0.report(.completed, on: isDeliver(domain)) }
            },
            Step("2027-06-15T08:30:00Z") { try await $0.deliver(desk.released("n-rel", "2027-06-15T08:30:00Z")) },
            Step("2027-06-16T10:00:00Z") { try await $0.report(.completed, on: isFirstContact) },
        ], seed: 1)
        try await scenario.verify { rig in
            let assigned = try rig.events(TaskAssigned.self)
            #expect(assigned.count == 6)
            let deadlines = Dictionary(uniqueKeysWithValues: assigned.compactMap { task in task.domain.map { ($0, task.deadline) } })
            #expect(deadlines == [.id: day("2027-05-18"), .housing: day("2027-06-15"), .income: day("2027-06-15"),
                                  .debts: day("2027-07-13"), .network: day("2027-06-29")])
            #expect(assigned.first { $0.domain == .housing }?.remark == "Synthetische opmerking.")
            #expect(assigned.first { $0.domain == .id }?.details?.id?.documentType == .identityCard)
            #expect(try rig.events(TaskRevised.self).isEmpty, "the same date scheduled again moves nothing")
            let first = try #require(assigned.first { $0.taskType == .firstContact })
            #expect(first.partnerId == "regie-ams" && first.domain == nil && first.urgent)
            #expect(first.dueAt == at("2027-06-17T08:30:00Z") && first.deadline == day("2027-06-17"))
            let releaseDay = try #require(try rig.events(ReleaseDayRecorded.self).first)
            #expect(releaseDay.coverage.allSatisfy { $0.state == .arranged } && releaseDay.coverage.count == 6)
            #expect(!releaseDay.unannounced && releaseDay.expectedReleaseDate == releaseDay.releaseDate)
            let closed = try #require(try rig.events(CaseClosed.self).first)
            #expect(closed.reason == .tasksCompleted && closed.releaseDate == day("2027-06-15"))
            #expect(closed.coverage.allSatisfy { $0.atRelease == .arranged && $0.atClosure == .arranged })
            #expect(try await rig.cases().map(\.status) == [.closed])
        }
    }

    @Test func remandLiftedInCourtEscalatesAtOnceMakesEveryTaskUrgentAndClosesAfterTheAftercarePeriod() async throws {
        let remand = Scenario(steps: [
            Step("2027-02-01T09:00:00Z") { try await $0.deliver(desk.started("r-start", start: "2027-01-30", type: .remand)) },
            Step("2027-02-05T09:00:00Z") {
                try await $0.deliver(desk.plan("r-plan", type: .remand,
                                               [need(.housing, .needed), need(.id, .unknown), need(.income, .needed)]))
            },
            Step("2027-03-10T15:00:00Z") {
                try await $0.deliver(desk.released("r-rel", "2027-03-10T15:00:00Z", type: .releasedFromCourt, unannounced: true))
            },
            Step("2027-06-01T09:00:00Z") { try await $0.report(.completed, on: isDeliver(.housing)) },
            Step("2027-09-08T09:00:00Z"),
        ], seed: 2)
        try await remand.verify { rig in
            let assigned = try rig.events(TaskAssigned.self)
            let housing = try #require(assigned.first { $0.domain == .housing })
            #expect(housing.deadline == day("2027-03-05") && !housing.urgent, "no date: 28 days after planning")
            let screen = try #require(assigned.first { $0.taskType == .screen })
            #expect(screen.domain == .id && screen.partnerId == "regie-ams" && screen.deadline == day("2027-02-09"))
            let escalation = try #require(try rig.events(EscalationRaised.self).first)
            #expect(escalation.reason == .unannouncedRelease && escalation.raisedAt == at("2027-03-10T15:00:00Z"))
            let revised = try rig.events(TaskRevised.self)
            #expect(revised.count == 3 && revised.allSatisfy { $0.reason == .released && $0.urgent })
            #expect(revised.first { $0.domain == .housing }?.deadline == day("2027-03-10"), "now from the day of release")
            let first = try #require(assigned.first { $0.taskType == .firstContact })
            #expect(first.urgent && first.dueAt == at("2027-03-12T15:00:00Z"))
            let releaseDay = try #require(try rig.events(ReleaseDayRecorded.self).first)
            #expect(releaseDay.unannounced && releaseDay.expectedReleaseDate == nil && releaseDay.releaseType == .releasedFromCourt)
            #expect(releaseDay.coverage.map(\.state) == [.open, .open, .open, .unknown, .unknown, .unknown])
            let closed = try #require(try rig.events(CaseClosed.self).first)
            #expect(closed.reason == .aftercarePeriodEnded && closed.closedAt == at("2027-09-08T09:00:00Z"))
            #expect(closed.coverage.first { $0.domain == .housing }.map { ($0.atRelease, $0.atClosure) }! == (.open, .arranged))
            let withdrawn = try rig.events(TaskWithdrawn.self)
            #expect(withdrawn.count == 3 && withdrawn.allSatisfy { $0.reason == .caseClosed && !$0.retract })
        }
    }

    @Test func aReleaseBroughtForwardThreeWeeksMovesEveryOpenDeadlineAndRevisesEachOpenTask() async throws {
        let earlier = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("f-start", start: "2027-01-02", expected: "2027-09-01")) },
            Step("2027-01-08T09:00:00Z") {
                try await $0.deliver(desk.plan("f-plan", expected: "2027-09-01", [
                    need(.id, .needed), need(.housing, .needed), need(.income, .needed), need(.debts, .needed),
                    need(.care, .notApplicable), need(.network, .unknown),
                ]))
            },
            Step("2027-01-11T09:00:00Z") { try await $0.report(.completed) { $0.taskType == .screen } },
            Step("2027-03-01T09:00:00Z") { try await $0.report(.completed, on: isDeliver(.income)) },
            Step("2027-06-01T09:00:00Z") { try await $0.deliver(desk.dateChanged("f-change", from: "2027-09-01", to: "2027-08-11")) },
            Step("2027-08-11T07:00:00Z") { try await $0.deliver(desk.released("f-rel", "2027-08-11T07:00:00Z", type: .conditionalRelease)) },
        ], seed: 3)
        try await earlier.verify { rig in
            let revised = try rig.events(TaskRevised.self).filter { $0.reason == .releaseDateChanged }
            #expect(Set(revised.compactMap(\.domain)) == [.id, .housing, .debts], "the completed and the screening task stay")
            for revision in revised {
                #expect(try revision.deadline == revision.previousDeadline.adding(days: -21))
                #expect(revision.expectedReleaseDate == day("2027-08-11") && !revision.urgent)
            }
            #expect(revised.first { $0.domain == .id }?.deadline == day("2027-07-14"))
            let releaseDay = try #require(try rig.events(ReleaseDayRecorded.self).first)
            #expect(releaseDay.expectedReleaseDate == day("2027-08-11"))
            #expect(releaseDay.coverage.map(\.state) == [.open, .open, .arranged, .open, .notApplicable, .open])
        }
    }

    @Test func aTransferInTheMiddleMovesTheCaseToTheNewPIAndTellsEveryOpenTask() async throws {
        let moved = PIDesk(prison: "PI-TEST-2")
        let transfer = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("t-start", start: "2027-01-02", expected: "2027-06-15")) },
            Step("2027-01-08T09:00:00Z") {
                try await $0.deliver(desk.plan("t-plan", expected: "2027-06-15",
                                               [need(.housing, .needed), need(.id, .needed), need(.debts, .needed)]))
            },
            Step("2027-03-01T09:00:00Z") { try await $0.deliver(desk.transferred("t-move", to: "PI-TEST-2", on: "2027-03-01")) },
            Step("2027-04-01T09:00:00Z") { try await $0.deliver(moved.scheduled("t-sched", "2027-06-15")) },
            Step("2027-05-01T09:00:00Z") {
                for domain in [Domain.housing, .id, .debts] { try await $0.report(.completed, on: isDeliver(domain)) }
            },
            Step("2027-06-15T09:00:00Z") { try await $0.deliver(moved.released("t-rel", "2027-06-15T09:00:00Z")) },
            Step("2027-06-16T09:00:00Z") { try await $0.report(.completed, on: isFirstContact) },
        ], seed: 4)
        try await transfer.verify { rig in
            let revised = try rig.events(TaskRevised.self)
            #expect(revised.count == 3 && revised.allSatisfy { $0.reason == .transferred && $0.prisonCode == "PI-TEST-2" })
            #expect(revised.allSatisfy { $0.deadline == $0.previousDeadline })
            #expect(try rig.events(TaskAssigned.self).first { $0.taskType == .firstContact }?.prisonCode == "PI-TEST-2")
            let cases = try await rig.cases()
            #expect(cases.map(\.prisonCode) == ["PI-TEST-2"] && cases.map(\.closeReason) == [.tasksCompleted])
        }
    }

    @Test func aWrongPersonRetractsEveryAssignedTaskClosesTheCaseAndRaisesAPossibleBreachAfterwards() async throws {
        let wrong = Scenario(steps: [
            Step("2027-01-04T09:00:00Z") { try await $0.deliver(desk.started("w-start", start: "2027-01-02", expected: "2027-06-15")) },
            Step("2027-01-08T09:00:00Z") {
                try await $0.deliver(desk.plan("w-plan", expected: "2027-06-15",
                                               [need(.housing, .needed), need(.id, .needed), need(.income, .needed)]))
            },
            Step("2027-01-20T09:00:00Z") { try await $0.report(.accepted, on: isDeliver(.housing)) },
            Step("2027-02-01T09:00:00Z") { try await $0.report(.completed, on: isDeliver(.id)) },
            Step("2027-02-15T10:00:00Z") { try await $0.deliver(desk.withdrawn("w-wd", notice: "w-start", reason: .wrongPerson)) },
        ], seed: 5)
        try await wrong.verify { rig in
            let assigned = try rig.events(TaskAssigned.self)
            let withdrawn = try rig.events(TaskWithdrawn.self)
            #expect(Set(withdrawn.map(\.taskId)) == Set(assigned.map(\.taskId)) && withdrawn.count == 3)
            #expect(withdrawn.allSatisfy { $0.retract && $0.reason == .wrongPerson })
            let types = rig.published.map(\.type)
            let breachIndex = try #require(rig.published.firstIndex {
                $0.type == .escalationRaised && (try? EscalationRaised.decodedJSON($0.payload).reason) == .possibleDataBreach
            })
            #expect(types.lastIndex(of: .taskWithdrawn)! < breachIndex, "the breach follows the withdrawals")
            let breach = try EscalationRaised.decodedJSON(rig.published[breachIndex].payload)
            #expect(breach.dueAt == at("2027-02-18T10:00:00Z"))
            #expect(try rig.events(CaseClosed.self).map(\.reason) == [.withdrawn])
            let tasks = try await rig.tasks(try #require(try await rig.cases().first))
            #expect(tasks.allSatisfy { $0.retracted && $0.isWithdrawn })
        }
    }

    @Test func reDetentionAYearLaterOpensASecondCaseWithItsOwnTasksAndTheFirstStaysClosed() async throws {
        let again = Scenario(steps: [
            Step("2026-01-05T09:00:00Z") { try await $0.deliver(desk.started("a-start", start: "2026-01-03", expected: "2026-04-01")) },
            Step("2026-01-09T09:00:00Z") {
                try await $0.deliver(desk.plan("a-plan", expected: "2026-04-01", [need(.housing, .needed), need(.debts, .needed)]))
            },
            Step("2026-04-01T09:00:00Z") { try await $0.deliver(desk.released("a-rel", "2026-04-01T09:00:00Z")) },
            Step("2026-04-20T09:00:00Z") {
                try await $0.report(.completed, on: isDeliver(.housing))
                try await $0.report(.completed, on: isFirstContact)
            },
            Step("2026-10-01T09:00:00Z"),
            Step("2027-04-05T09:00:00Z") { try await $0.deliver(desk.started("b-start", start: "2027-04-03", expected: "2027-10-01")) },
            Step("2027-04-09T09:00:00Z") {
                try await $0.deliver(desk.plan("b-plan", expected: "2027-10-01", [need(.housing, .needed), need(.income, .needed)]))
            },
        ], seed: 6)
        try await again.verify { rig in
            let cases = try await rig.cases()
            #expect(cases.count == 2)
            #expect(cases.map(\.status) == [.closed, .open] && cases.first?.closeReason == .aftercarePeriodEnded)
            let opened = try rig.events(CaseOpened.self)
            #expect(opened.map(\.caseId) == cases.map(\.caseId))
            let firstTasks = try await rig.tasks(cases[0])
            let secondTasks = try await rig.tasks(cases[1])
            #expect(Set(secondTasks.compactMap(\.domain)) == [.housing, .income] && secondTasks.allSatisfy(\.isOpen))
            #expect(Set(firstTasks.map(\.taskId)).isDisjoint(with: secondTasks.map(\.taskId)))
            #expect(firstTasks.filter(\.isCompleted).count == 2 && firstTasks.filter(\.isWithdrawn).map(\.domain) == [.debts])
            let notices = try await rig.snapshot().cases.map { $0.notices.map(\.noticeId).sorted() }
            #expect(notices == [["a-plan", "a-rel", "a-start"], ["b-plan", "b-start"]])
        }
    }
}
