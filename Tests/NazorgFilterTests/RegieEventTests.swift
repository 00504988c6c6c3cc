import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private func measureTask(_ measure: AlternativeMeasure, partner: String, role: PartnerRole) -> TaskAssigned {
    var task = makeTask(measure.domain, partner: partner, role: role, taskId: "task-\(measure.rawValue)", taskType: .measure)
    task.measure = measure
    task.details = NeedDetails(housing: HousingDetails(currentSituation: .ownTenancy, tenancyAtRisk: true),
                               income: IncomeDetails(benefit: .suspended, employment: .unknown))
    return task
}

private func revised(_ task: TaskAssigned, id: String) -> TaskRevised {
    var moved = task
    moved.deadline = CalendarDate(year: 2027, month: 2, day: 1)!
    moved.urgent = true
    return TaskRevised(revisionId: id, task: moved, previousDeadline: task.deadline, reason: .releaseDateChanged, revisedAt: Date())
}

@Suite("Measures, reassignment and the coordinator's events", .serialized)
struct RegieEventTests {
    /// A measure goes where a delivery of its basisvoorwaarde would go, under the same policy
    /// (consent for housing, at once for social services), and names the measure; a parked
    /// measure revised in place keeps it, and an update carries it too.
    @Test func aMeasureIsDisclosedLikeADeliveryOfItsBasisvoorwaardeAndNamesTheMeasure() async throws {
        let h = try FilterHarness()
        let rent = measureTask(.rentContinuation, partner: "woon-test", role: .housingCorporation)
        let benefit = measureTask(.benefitRevival, partner: "id-test", role: .socialServices)
        try await h.deliver(rent, id: "assigned-rent")
        try await h.deliver(benefit, id: "assigned-benefit")
        #expect(try await h.store.parkedCount() == 1)
        try await h.deliver(revised(rent, id: "rev-rent"), id: "revised-rent")
        #expect(try await h.store.parked(taskId: rent.taskId, partnerId: "woon-test")?.task.measure == .rentContinuation)
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")

        let housing = try TaskOffered.decodedJSON(Data(try #require(try await h.partnerRecords("woon-test", atLeast: 1).first).value))
        #expect(housing.taskType == .measure && housing.measure == .rentContinuation && housing.domain == .housing)
        #expect(housing.details == NeedDetails(housing: HousingDetails(currentSituation: .ownTenancy, tenancyAtRisk: true)))
        #expect(housing.urgent && housing.subject.bsn == nil)

        try await h.deliver(revised(benefit, id: "rev-benefit"), id: "revised-benefit")
        let social = try await h.partnerRecords("id-test", atLeast: 2)
        #expect(social.map(\.eventType) == [.taskOffered, .taskUpdated])
        let offer = try TaskOffered.decodedJSON(Data(social[0].value))
        #expect(offer.taskType == .measure && offer.measure == .benefitRevival && offer.details?.domains == [.income])
        let update = try TaskUpdated.decodedJSON(Data(social[1].value))
        #expect(update.taskType == .measure && update.measure == .benefitRevival && update.urgent)

        let logged = try await h.partnerDisclosures(atLeast: 3)
        #expect(logged.count == 3 && logged.allSatisfy { $0.disclosedFields.contains("measure") })
        await h.close()
    }

    /// A measure follows the same rules as a delivery: a role without a policy gets nothing.
    @Test func aMeasureForARoleWithoutAPolicyIsReportedUndeliverable() async throws {
        let h = try FilterHarness()
        try await h.deliver(measureTask(.kostendelersnormExemption, partner: "no-policy", role: .probation), id: "assigned")
        let report = try TaskStatusChanged.decodedJSON(Data(try #require(try await h.read(Topics.partnerStatus, atLeast: 1).first).value))
        #expect(report.status == .undeliverable && report.reason == HubReason.noPolicy)
        #expect(try await h.read(Topics.partnerTasks("no-policy"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    /// The coordinator reassigns: the old partner hears the task was cancelled with reason
    /// `reassigned`; the new partner gets a new task that says nothing of the old one.
    @Test func aReassignedTaskIsCancelledForTheOldPartnerAndOfferedAfreshToTheNew() async throws {
        let h = try FilterHarness()
        let old = makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-first")
        try await h.deliver(old, id: "assigned-first")
        try await h.deliver(TaskWithdrawn(taskId: old.taskId, caseId: testCase, subjectId: testSubject, municipality: "GM0363",
                                          taskType: .deliver, domain: .id, partnerId: "id-test", partnerRole: .civilAffairs,
                                          reason: .reassigned, retract: false, withdrawnAt: Date()), id: "withdrawn-first")
        var next = makeTask(.id, partner: "gemeente-test", role: .civilAffairs, taskId: "task-second")
        next.reassignedFromTaskId = old.taskId
        try await h.deliver(next, id: "assigned-second")

        let oldPartner = try await h.partnerRecords("id-test", atLeast: 2)
        #expect(oldPartner.map(\.eventType) == [.taskOffered, .taskCancelled])
        let cancellation = try TaskCancelled.decodedJSON(Data(oldPartner[1].value))
        #expect(cancellation.taskId == "task-first" && cancellation.reason == .reassigned)
        let newPartner = try #require(try await h.partnerRecords("gemeente-test", atLeast: 1).first)
        #expect(try TaskOffered.decodedJSON(Data(newPartner.value)).taskId == "task-second")
        #expect(!newPartner.text.contains("task-first") && !newPartner.text.contains("id-test"))
        await h.close()
    }

    /// The coordinator's events reach the monitoring feed as codes: the escalation's
    /// municipality, basisvoorwaarde, partner, reason and id; an update's status; the
    /// person's cooperation. Never the account that acted.
    @Test func escalationsAndCooperationAreObservedAsCodesOnly() async throws {
        let h = try FilterHarness()
        let raisedAt = instant("2027-01-10T10:00:00.000Z")
        try await h.deliver(EscalationRaised(escalationId: "esc-hot", caseId: testCase, subjectId: testSubject,
                                             municipality: "GM0363", taskId: "task-housing", reason: .hotPotato, domain: .housing,
                                             partnerId: "woon-test", partnerIds: ["woon-test", "woon-other"],
                                             wasDueAt: raisedAt, timeLostHours: 72, raisedAt: raisedAt), id: "escalated")
        try await h.deliver(EscalationUpdated(escalationId: "esc-hot", caseId: testCase, subjectId: testSubject,
                                              municipality: "GM0363", status: .resolved, updatedBy: "account-sentinel",
                                              updatedAt: raisedAt), id: "resolved")
        try await h.deliver(CooperationRecorded(caseId: testCase, subjectId: testSubject, municipality: "GM0363",
                                                cooperation: .unreachable, recordedBy: "account-sentinel", recordedAt: raisedAt),
                            id: "unreachable")
        let feed = try await h.read(Topics.monitoringFeed, atLeast: 3)
        #expect(feed.count == 3)
        #expect(feed.allSatisfy { !$0.text.contains("account-sentinel") })
        let observed = try feed.map { try FlowObserved.decodedJSON(Data($0.value)) }
        // Identifiers come as monitoring's own pseudonyms, the same for the same escalation and case.
        let keys = MonitoringIdentifiers(partnerIDs: testPartnerIDs)
        let raised = try #require(observed.first { $0.sourceEventType == .escalationRaised })
        #expect(raised.reason == .hotPotato && raised.municipality == "GM0363")
        #expect(raised.escalationId == keys.identifier("esc-hot", kind: "escalation") && raised.escalationId != "esc-hot")
        #expect(raised.domain == .housing && raised.partnerId == "woon-test")
        #expect(raised.caseId == keys.caseId(testCase) && raised.caseId != testCase)
        let updated = try #require(observed.first { $0.sourceEventType == .escalationUpdated })
        #expect(updated.escalationId == raised.escalationId && updated.escalationStatus == .resolved && updated.municipality == "GM0363")
        let cooperation = try #require(observed.first { $0.sourceEventType == .cooperationRecorded })
        #expect(cooperation.cooperation == .unreachable && cooperation.caseId == raised.caseId)
        #expect(observed.allSatisfy { $0.subjectId == keys.subject(testSubject) && $0.subjectId != testSubject })
        await h.close()
    }
}
