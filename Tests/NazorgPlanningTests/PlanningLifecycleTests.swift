import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()

/// One input after another on the store, each at its own moment.
private func rig(at start: String) throws -> PlanningRig {
    try PlanningRig(clock: TestClock(at(start)))
}

extension PlanningRig {
    /// Moves the clock and delivers the notice.
    func deliver(_ notice: IntakeNotice, at moment: String) async throws {
        clock.set(at(moment))
        try await deliver(notice)
    }

    func currentTasks() async throws -> [TaskRecord] {
        guard let current = try await cases().last else { return [] }
        return try await tasks(current)
    }
}

/// The lifecycle rules one at a time: re-shared plans, corrections, hand-over, withdrawals,
/// detentions that follow each other, and what counts as done.
@Suite("Planning: lifecycle rules")
struct PlanningLifecycleTests {
    @Test func aReSharedPlanCancelsSettledNeedsReplacesScreeningAndRevisesChangedDetails() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.started("p-start", start: "2027-01-02", expected: "2027-06-15"))
        try await rig.deliver(desk.plan("p-plan-1", expected: "2027-06-15", [
            need(.housing, .needed), need(.income, .needed), need(.debts, .needed), need(.id, .unknown),
        ]), at: "2027-01-05T09:00:00Z")
        #expect(try await rig.currentTasks().map(\.taskType).sorted { $0.rawValue < $1.rawValue } == [.deliver, .deliver, .deliver, .screen])
        try await rig.deliver(desk.plan("p-plan-2", expected: "2027-06-15", [
            need(.housing, .arranged), need(.income, .notApplicable),
            need(.debts, .needed, details: NeedDetails(debts: DebtDetails(debtsKnown: true, estimatedRange: .from1000To5000))),
            need(.id, .needed),
        ]), at: "2027-02-01T09:00:00Z")
        let withdrawn = try rig.events(TaskWithdrawn.self)
        #expect(Dictionary(uniqueKeysWithValues: withdrawn.map { ($0.domain!, $0.reason) })
                == [.housing: .needArranged, .income: .needNotApplicable, .id: .needKnown])
        #expect(withdrawn.allSatisfy { !$0.retract })
        let revised = try #require(try rig.events(TaskRevised.self).first)
        #expect(revised.domain == .debts && revised.reason == .planReshared && revised.details?.debts?.estimatedRange == .from1000To5000)
        let idDelivery = try #require(try rig.events(TaskAssigned.self).last)
        #expect(idDelivery.domain == .id && idDelivery.taskType == .deliver && idDelivery.partnerId == "id-ams")
        #expect(try await rig.currentTasks().filter(\.isOpen).compactMap(\.domain).sorted { $0.rawValue < $1.rawValue } == [.debts, .id])
        await rig.close()
    }

    @Test func aCorrectedPlanRevisesWithNoticeCorrectedAndDropsWhatOnlyTheCorrectedPlanSaid() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.plan("c-plan", expected: "2027-06-15", [need(.housing, .needed), need(.network, .needed)]))
        try await rig.deliver(desk.plan("c-plan-fix", expected: "2027-05-15", [need(.housing, .needed)], corrects: "c-plan"),
                              at: "2027-01-10T09:00:00Z")
        let revised = try #require(try rig.events(TaskRevised.self).first)
        #expect(revised.reason == .noticeCorrected && revised.domain == .housing)
        #expect(revised.deadline == day("2027-05-15") && revised.previousDeadline == day("2027-06-15"))
        let withdrawn = try #require(try rig.events(TaskWithdrawn.self).first)
        #expect(withdrawn.domain == .network && withdrawn.reason == .noticeWithdrawn)
        let notices = try await rig.snapshot().cases[0].notices
        #expect(notices.first { $0.noticeId == "c-plan-fix" }?.correctsNoticeId == "c-plan")
        await rig.close()
    }

    @Test func aCorrectedDateChangeMovesDeadlinesWithReasonNoticeCorrected() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.plan("d-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        try await rig.deliver(desk.dateChanged("d-change", from: "2027-06-15", to: "2027-06-01"), at: "2027-02-01T09:00:00Z")
        try await rig.deliver(desk.dateChanged("d-change-fix", from: "2027-06-15", to: "2027-06-08", corrects: "d-change"),
                              at: "2027-02-02T09:00:00Z")
        #expect(try rig.events(TaskRevised.self).map { "\($0.reason.rawValue) \($0.deadline)" }
                == ["release-date-changed 2027-06-01", "notice-corrected 2027-06-08"])
        await rig.close()
    }

    @Test func aMunicipalityChangeHandsTheCaseOverWarmlyInTheSameCase() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.started("m-start", start: "2027-01-02", expected: "2027-06-15"))
        try await rig.deliver(desk.plan("m-plan", expected: "2027-06-15",
                                        [need(.housing, .needed), need(.debts, .needed), need(.income, .needed)]),
                              at: "2027-01-05T09:00:00Z")
        let before = try await rig.currentTasks()
        try await rig.deliver(desk.moved("m-move", to: "GM0599"), at: "2027-03-01T09:00:00Z")
        let withdrawn = try rig.events(TaskWithdrawn.self)
        #expect(Set(withdrawn.compactMap(\.domain)) == [.housing, .income], "the debt partner serves everywhere and keeps its task")
        #expect(withdrawn.allSatisfy { $0.reason == .municipalityChanged && !$0.retract && $0.municipality == "GM0363" })
        let handedOver = try #require(try rig.events(CaseHandedOver.self).first)
        #expect(handedOver.fromMunicipality == "GM0363" && handedOver.toMunicipality == "GM0599")
        #expect(handedOver.openDomains == [.housing, .income, .debts])
        let housing = try #require(try rig.events(TaskAssigned.self).last { $0.domain == .housing })
        #expect(housing.partnerId == "woon-rdam" && housing.municipality == "GM0599")
        #expect(housing.deadline == before.first { $0.domain == .housing }?.deadline, "the deadline is kept")
        let escalation = try #require(try rig.events(EscalationRaised.self).first)
        #expect(escalation.reason == .noPartner, "nobody delivers income in GM0599")
        let cases = try await rig.cases()
        #expect(cases.count == 1 && cases[0].municipality == "GM0599" && cases[0].caseId == before[0].caseId)
        await rig.close()
    }

    @Test func withdrawingAPlanWithdrawsItsTasksAndWithdrawingTheStartClosesTheCase() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.started("x-start", start: "2027-01-02", expected: "2027-06-15"))
        try await rig.deliver(desk.plan("x-plan", expected: "2027-06-15", [need(.housing, .needed)]))
        try await rig.deliver(desk.withdrawn("x-unknown", notice: "never-sent", reason: .sentInError))
        #expect(rig.published.filter { $0.type == .taskWithdrawn }.isEmpty, "an unknown notice id changes nothing")
        try await rig.deliver(desk.withdrawn("x-wd-plan", notice: "x-plan", reason: .duplicate))
        #expect(try rig.events(TaskWithdrawn.self).map(\.reason) == [.noticeWithdrawn])
        try await rig.deliver(desk.plan("x-plan-2", expected: "2027-06-15", [need(.id, .needed)]))
        try await rig.deliver(desk.withdrawn("x-wd-start", notice: "x-start", reason: .sentInError))
        #expect(try rig.events(TaskWithdrawn.self).map(\.reason) == [.noticeWithdrawn, .noticeWithdrawn])
        #expect(try rig.events(CaseClosed.self).map(\.reason) == [.withdrawn])
        #expect(try await rig.cases().map(\.status) == [.closed])
        #expect(try rig.events(EscalationRaised.self).isEmpty, "only a wrong person is a possible breach")
        await rig.close()
    }

    @Test func aSecondStartBeforeReleaseIsTheSameDetentionAndAStartAfterReleaseClosesTheCaseAsRedetained() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.started("s-start", start: "2027-01-02"))
        try await rig.deliver(desk.plan("s-plan", [need(.housing, .needed)]))
        try await rig.deliver(desk.started("s-start-again", start: "2027-01-03", expected: "2027-05-01"), at: "2027-01-06T09:00:00Z")
        #expect(try await rig.cases().count == 1)
        #expect(try rig.events(TaskRevised.self).map(\.deadline) == [day("2027-05-01")])
        try await rig.deliver(desk.released("s-rel", "2027-05-01T09:00:00Z"), at: "2027-05-01T09:00:00Z")
        try await rig.deliver(desk.started("s-next", start: "2027-06-01"), at: "2027-06-02T09:00:00Z")
        let cases = try await rig.cases()
        #expect(cases.map(\.status) == [.closed, .open] && cases[0].closeReason == .redetained)
        #expect(try rig.events(TaskWithdrawn.self).allSatisfy { $0.reason == .caseClosed && $0.caseId == cases[0].caseId })
        let closed = try #require(try rig.events(CaseClosed.self).first)
        #expect(closed.coverage.first { $0.domain == .housing }?.atRelease == .open)
        await rig.close()
    }

    @Test func nothingIsInventedFromAReleaseOrALateDateAndAClosedCaseStaysClosed() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.released("o-rel", "2027-01-04T09:00:00Z", unannounced: true))
        #expect(try await rig.cases().isEmpty && rig.published.isEmpty)
        try await rig.deliver(desk.started("o-start", start: "2027-01-02"))
        try await rig.deliver(desk.withdrawn("o-wd", notice: "o-start", reason: .sentInError))
        try await rig.deliver(desk.scheduled("o-sched", "2027-06-01"))
        try await rig.deliver(desk.released("o-rel-2", "2027-06-01T09:00:00Z"))
        #expect(try await rig.cases().map(\.status) == [.closed])
        #expect(rig.published.map(\.type) == [.caseOpened, .caseClosed])
        await rig.close()
    }

    @Test func aRejectedTaskIsNotDoneAndAReportOnAWithdrawnTaskChangesNothing() async throws {
        let rig = try rig(at: "2027-01-04T09:00:00Z")
        try await rig.deliver(desk.plan("j-plan", expected: "2027-03-01", [need(.housing, .needed), need(.id, .needed)]))
        try await rig.report(.completed) { $0.domain == .id }
        try await rig.report(.rejected) { $0.domain == .housing }
        try await rig.deliver(desk.released("j-rel", "2027-03-01T09:00:00Z"), at: "2027-03-01T09:00:00Z")
        try await rig.report(.completed) { $0.taskType == .firstContact }
        #expect(try await rig.cases().map(\.status) == [.open], "the rejected housing task waits for the coordinator")
        let housing = try #require(try await rig.currentTasks().first { $0.domain == .housing })
        try await rig.deliver(desk.plan("j-plan-2", expected: "2027-03-01", [need(.housing, .arranged)]))
        #expect(try await rig.cases().map(\.closeReason) == [.tasksCompleted], "the last open task went, the rest is done")
        // The partner's late answer about the withdrawn task crossed the withdrawal.
        let count = rig.published.count
        let late = TaskStatusChanged(taskId: housing.taskId, partnerId: housing.partnerId, domain: .housing, status: .accepted,
                                     changedAt: rig.clock.now)
        let (planner, now) = (rig.planner, rig.clock.now)
        let outcome = try await rig.store.apply([PlanningInput(eventId: "late", owner: .ownerOfTask(housing.taskId)) { _, state in
            try planner.decide(status: late, eventId: "late", trace: .random(), now: now, state: state)
        }])
        #expect(outcome.map(\.label) == ["ignored:task-withdrawn"])
        try await rig.drain()
        #expect(rig.published.count == count)
        await rig.close()
    }

    @Test func withoutACoordinatorTheFirstContactEscalatesNoPartner() throws {
        let planner = Planner(directory: try PartnerDirectory(partners: [
            .init(id: "woon-ams", name: "Woon", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"], webhook: nil),
        ]))
        let opened = try planner.decide(notice: desk.plan("k-plan", expected: "2027-03-01", [need(.housing, .needed)]),
                                        eventId: "k1", trace: .random(), now: at("2027-01-04T09:00:00Z"), state: nil)
        let released = try planner.decide(notice: desk.released("k-rel", "2027-03-01T09:00:00Z"), eventId: "k2", trace: .random(),
                                          now: at("2027-03-01T09:00:00Z"), state: state(opened))
        let escalations = try released.outbox.filter { $0.type == .escalationRaised }.map { try EscalationRaised.decodedJSON($0.payload) }
        #expect(escalations.map(\.reason) == [.noPartner])
        #expect(!released.upsertTasks.contains { $0.taskType == .firstContact })
    }
}
