import Foundation
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private func cooperation(_ value: CooperationRecorded.Cooperation, caseId: UUID = testCase) -> CooperationRecorded {
    CooperationRecorded(caseId: caseId, subjectId: testSubject, municipality: "GM0363", cooperation: value,
                        recordedBy: "coordinator-test", recordedAt: Date())
}

private func consent(_ domain: Domain, id: String = "c1") -> ConsentGiven {
    ConsentGiven(consentId: id, subjectId: testSubject, domain: domain, givenAt: Date())
}

private func statusReports(_ h: FilterHarness, atLeast count: Int) async throws -> [TaskStatusChanged] {
    try await h.read(Topics.partnerStatus, atLeast: count).map { try TaskStatusChanged.decodedJSON(Data($0.value)) }
}

extension FilterHarness {
    /// Stages `events` as one batch, the way the consumer service does: one `prepare`, then
    /// each event in turn, then the batch's records (log records first) and one `finish`.
    func deliverBatch(_ events: [(any EventPayload, String)]) async throws {
        let received = try events.map { payload, id in
            let record = try publisher.record(payload, topic: "input", key: testSubject, id: id, subject: testSubject,
                                              trace: .random())
            return try ReceivedEvent(record: ConsumerRecord(topic: "input", partition: 0, offset: 0, key: record.key,
                                                        value: record.value, headers: record.headers,
                                                        timestampMilliseconds: nil))
        }
        try await engine.prepare(received)
        var records = StagedRecords()
        var effects: [FilterEngine.Effect] = []
        for event in received { effects.append(try await engine.stage(event, into: &records)) }
        if !records.audit.isEmpty { try await producer.send(batch: records.builtAudit()) }
        if !records.records.isEmpty { try await producer.send(batch: records.builtRecords()) }
        try await engine.finish(effects)
    }
}

@Suite("Cooperation holds consent-based disclosure", .serialized)
struct CooperationTests {
    /// While the person declines aftercare, a consent-based partner gets no new task even with
    /// consent; planning hears it waits (`no-cooperation`); a public-task partner is not
    /// affected. Recorded as cooperating again, the task is offered and planning hears so.
    @Test func aTaskWaitsWhileThePersonDeclinesAndIsOfferedWhenCooperationIsRecordedAgain() async throws {
        let h = try FilterHarness()
        try await h.deliver(consent(.housing), id: "consent-housing")
        try await h.deliver(cooperation(.declinesAftercare), id: "declines")
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing")
        try await h.deliver(makeTask(.id, partner: "id-test", role: .civilAffairs), id: "assigned-id")
        #expect(try await h.store.parkedCount() == 1)
        #expect(try await h.partnerRecords("id-test", atLeast: 1).map(\.eventType) == [.taskOffered])

        #expect(try await h.engine.reportLongWaits(parkedBefore: Date().addingTimeInterval(1)) == 1)
        let waiting = try #require(try await statusReports(h, atLeast: 1).first)
        #expect(waiting.status == .awaitingConsent && waiting.reason == HubReason.noCooperation && waiting.taskId == "task-housing")

        try await h.deliver(cooperation(.cooperating), id: "cooperating")
        #expect(try await h.store.parkedCount() == 0)
        let offers = try await h.partnerRecords("woon-test", atLeast: 1)
        #expect(offers.map(\.eventType) == [.taskOffered])
        #expect(try TaskOffered.decodedJSON(Data(offers[0].value)).offerId
                == DeterministicID.string("offer", "assigned-housing", "woon-test"))
        let reports = try await statusReports(h, atLeast: 2)
        #expect(reports.map(\.status) == [.awaitingConsent, .offered])
        await h.close()
    }

    /// Consent that arrives while the person cannot be reached releases nothing; cooperation
    /// recorded while consent is missing releases nothing either. Only both together do.
    @Test func consentAndCooperationMustBothStandBeforeATaskIsOffered() async throws {
        let h = try FilterHarness()
        try await h.deliver(cooperation(.unreachable), id: "unreachable")
        try await h.deliver(makeTask(.debts, partner: "schuld-test", role: .debtRelief), id: "assigned-debts")
        try await h.deliver(consent(.debts), id: "consent-debts")
        #expect(try await h.store.parkedCount() == 1)
        #expect(try await h.engine.reportLongWaits(parkedBefore: Date().addingTimeInterval(1)) == 1)
        #expect(try await statusReports(h, atLeast: 1).first?.reason == HubReason.noCooperation)

        // Consent withdrawn before cooperation returns: the task still waits, now for consent.
        try await h.deliver(ConsentWithdrawn(consentId: "c1", subjectId: testSubject, domain: .debts, withdrawnAt: Date()),
                            id: "withdrawn-debts")
        try await h.deliver(cooperation(.cooperating), id: "cooperating")
        #expect(try await h.store.parkedCount() == 1)
        try await h.deliver(consent(.debts, id: "c2"), id: "consent-debts-again")
        #expect(try await h.store.parkedCount() == 0)
        let offers = try await h.partnerRecords("schuld-test", atLeast: 1)
        #expect(offers.map(\.eventType) == [.taskOffered])
        await h.close()
    }

    /// A task parked for missing consent alone is reported as `consent-missing`, as before.
    @Test func aTaskWaitingOnlyForConsentIsReportedAsConsentMissing() async throws {
        let h = try FilterHarness()
        try await h.deliver(cooperation(.cooperating), id: "cooperating")
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing")
        #expect(try await h.engine.reportLongWaits(parkedBefore: Date().addingTimeInterval(1)) == 1)
        #expect(try await statusReports(h, atLeast: 1).first?.reason == HubReason.consentMissing)
        await h.close()
    }

    /// While cooperation is withheld an update to a consent-based partner is dropped (it
    /// would carry new data), a public-task partner still gets its update, and cancellations
    /// and retractions always go.
    @Test func updatesStopWhileCooperationIsWithheldButEndsAlwaysGo() async throws {
        let h = try FilterHarness()
        try await h.deliver(consent(.housing), id: "consent-housing")
        let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        let id = makeTask(.id, partner: "id-test", role: .civilAffairs)
        try await h.deliver(housing, id: "assigned-housing")
        try await h.deliver(id, id: "assigned-id")
        try await h.deliver(cooperation(.declinesAftercare), id: "declines")
        for (task, name) in [(housing, "housing"), (id, "id")] {
            var moved = task
            moved.deadline = CalendarDate(year: 2027, month: 2, day: 1)!
            try await h.deliver(TaskRevised(revisionId: "rev-\(name)", task: moved, previousDeadline: task.deadline,
                                            reason: .releaseDateChanged, revisedAt: Date()), id: "revised-\(name)")
        }
        try await h.deliver(TaskWithdrawn(taskId: housing.taskId, caseId: testCase, subjectId: testSubject, municipality: "GM0363",
                                          taskType: .deliver, domain: .housing, partnerId: "woon-test",
                                          partnerRole: .housingCorporation, reason: .caseClosed, retract: false,
                                          withdrawnAt: Date()),
                            id: "withdrawn-housing")
        try await h.deliver(TaskWithdrawn(taskId: housing.taskId, caseId: testCase, subjectId: testSubject, municipality: "GM0363",
                                          taskType: .deliver, domain: .housing, partnerId: "woon-test",
                                          partnerRole: .housingCorporation, reason: .wrongPerson, retract: true,
                                          withdrawnAt: Date()),
                            id: "retracted-housing")
        #expect(try await h.partnerRecords("woon-test", atLeast: 3).map(\.eventType)
                == [.taskOffered, .taskCancelled, .taskRetracted])
        #expect(try await h.partnerRecords("id-test", atLeast: 2).map(\.eventType) == [.taskOffered, .taskUpdated])
        await h.close()
    }

    /// Cooperation is kept per case: a later detention starts afresh.
    @Test func cooperationWithheldInOneCaseDoesNotHoldAnotherCase() async throws {
        let h = try FilterHarness()
        let earlierCase = UUID()
        try await h.deliver(consent(.housing), id: "consent-housing")
        try await h.deliver(cooperation(.declinesAftercare, caseId: earlierCase), id: "declines-earlier")
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, caseId: earlierCase),
                            id: "assigned-earlier")
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-now"),
                            id: "assigned-now")
        let offers = try await h.partnerRecords("woon-test", atLeast: 1)
        #expect(try offers.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-now"])
        #expect(try await h.store.parked(subjectId: testSubject, caseId: earlierCase).count == 1)
        await h.close()
    }

    /// The state is durable and a replay harmless: a filter restarted on the same store still
    /// holds the task, and a redelivered record changes nothing.
    @Test func cooperationSurvivesARestartAndARedeliveryChangesNothing() async throws {
        let h = try FilterHarness()
        try await h.deliver(consent(.housing), id: "consent-housing")
        try await h.deliver(cooperation(.unreachable), id: "unreachable")
        let restarted = h.engine(store: h.store)
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing",
                            to: restarted)
        #expect(try await h.store.parkedCount() == 1)
        try await h.deliver(cooperation(.cooperating), id: "cooperating", to: restarted)
        // Redelivered, the older record is known and does not withhold cooperation again.
        try await h.deliver(cooperation(.unreachable), id: "unreachable", to: restarted)
        #expect(try await h.store.cooperates(subjectId: testSubject, caseId: testCase))
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker"),
                            id: "assigned-marker", to: restarted)
        let offers = try await h.partnerRecords("woon-test", atLeast: 2)
        #expect(try offers.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-housing", "task-marker"])
        await h.close()
    }

    /// In one batch the snapshot follows the records staged before: a task after a decline
    /// waits, and a task released by consent is not offered a second time when cooperation
    /// is recorded in the same batch.
    @Test func withinOneBatchEachEventSeesTheStateLeftByThoseBefore() async throws {
        let h = try FilterHarness()
        try await h.deliverBatch([
            (makeTask(.housing, partner: "woon-test", role: .housingCorporation), "assigned-housing"),
            (consent(.housing), "consent-housing"),
            (cooperation(.cooperating), "cooperating"),
            (cooperation(.declinesAftercare), "declines"),
            (makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-later"), "assigned-later"),
        ])
        #expect(try await h.store.parked(subjectId: testSubject, caseId: testCase).map(\.task.taskId) == ["task-later"])
        try await h.deliverBatch([
            (cooperation(.cooperating), "cooperating-again"),
            (makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker"), "assigned-marker"),
        ])
        let offers = try await h.partnerRecords("woon-test", atLeast: 3)
        #expect(try offers.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-housing", "task-later", "task-marker"])
        await h.close()
    }
}
