import Foundation
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)

private func cooperation(_ value: CooperationRecorded.Cooperation) -> CooperationRecorded {
    CooperationRecorded(caseId: testCase, subjectId: testSubject, municipality: "GM0363", cooperation: value,
                        recordedBy: "coordinator-test", recordedAt: Date())
}

private func revised(deadline: CalendarDate, id: String) -> TaskRevised {
    var task = housing
    task.deadline = deadline
    return TaskRevised(revisionId: "rev-\(id)", task: task, previousDeadline: housing.deadline, reason: .releaseDateChanged,
                       revisedAt: Date())
}

private let cancelled = TaskWithdrawn(taskId: housing.taskId, caseId: testCase, subjectId: testSubject, municipality: "GM0363",
                                      taskType: .deliver, domain: .housing, partnerId: "woon-test",
                                      partnerRole: .housingCorporation, reason: .caseClosed, retract: false,
                                      withdrawnAt: Date())

extension FilterHarness {
    /// Consent for housing, the housing task offered, then the person declines aftercare.
    func offerAndDecline() async throws {
        try await deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()),
                          id: "consent-housing")
        try await deliver(housing, id: "assigned-housing")
        try await deliver(cooperation(.declinesAftercare), id: "declines")
    }

    /// Offers a marker task to woon-test (consent and cooperation must stand), then returns
    /// everything on woon-test's topic and the disclosure log up to and including the marker.
    func throughMarker(to engine: FilterEngine? = nil) async throws -> (partner: [ConsumerRecord], log: [ConsumerRecord]) {
        try await deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker"),
                          id: "assigned-marker", to: engine)
        let offerId = DeterministicID.string("offer", "assigned-marker", "woon-test")
        let logId = DeterministicID.string("disclosure", "assigned-marker", "woon-test")
        let partner = try await readTopic(cluster.bootstrapServers, Topics.partnerTasks("woon-test"), timeout: .seconds(15)) {
            $0.contains { $0.eventId == offerId }
        }
        let log = try await readTopic(cluster.bootstrapServers, Topics.filterDisclosures, timeout: .seconds(15)) {
            $0.contains { $0.eventId == logId }
        }
        return (partner, log)
    }

    /// Stages one event and writes its records, but stops before `finish`: the filter
    /// crashed after the records were acknowledged.
    func deliverWithoutFinishing<P: EventPayload>(_ payload: P, id: String, to engine: FilterEngine) async throws {
        let record = try publisher.record(payload, topic: "input", key: testSubject, id: id, subject: testSubject, trace: .random())
        let event = try ReceivedEvent(record: ConsumerRecord(topic: "input", partition: 0, offset: 0, key: record.key,
                                                             value: record.value, headers: record.headers,
                                                             timestampMilliseconds: nil))
        try await engine.prepare([event])
        var records = StagedRecords()
        _ = try await engine.stage(event, into: &records)
        if !records.audit.isEmpty { try await producer.send(batch: records.builtAudit()) }
        if !records.records.isEmpty { try await producer.send(batch: records.builtRecords()) }
    }
}

private func updates(_ records: [ConsumerRecord]) throws -> [TaskUpdated] {
    try records.filter { $0.eventType == .taskUpdated }.map { try TaskUpdated.decodedJSON(Data($0.value)) }
}

private func loggedUpdates(_ log: [ConsumerRecord]) throws -> [DisclosureLogged] {
    try log.filter { $0.eventType == .disclosureLogged }.map { try DisclosureLogged.decodedJSON(Data($0.value)) }
        .filter { $0.disclosedEventType == .taskUpdated && $0.reachedPartner }
}

@Suite("Updates held while the person does not cooperate", .serialized)
struct HeldUpdateTests {
    /// Two revisions while the person declines reach the partner as one update, the latest,
    /// when cooperation is recorded again, and its log record is written before it.
    @Test func theLatestRevisionIsSentOnceWhenCooperationReturns() async throws {
        let h = try FilterHarness()
        try await h.offerAndDecline()
        let first = CalendarDate(year: 2027, month: 2, day: 1)!, latest = CalendarDate(year: 2027, month: 1, day: 20)!
        try await h.deliver(revised(deadline: first, id: "1"), id: "revised-1")
        try await h.deliver(revised(deadline: latest, id: "2"), id: "revised-2")
        #expect(try await h.store.heldCount() == 1)
        try await h.deliver(cooperation(.cooperating), id: "cooperating")
        #expect(try await h.store.heldCount() == 0)

        let (partner, log) = try await h.throughMarker()
        #expect(partner.map(\.eventType) == [.taskOffered, .taskUpdated, .taskOffered])
        let update = try #require(try updates(partner).first)
        #expect(update.deadline == latest && update.taskId == housing.taskId)
        #expect(update.updateId == DeterministicID.string("update", "revised-2", "woon-test"))
        let logged = try loggedUpdates(log)
        #expect(logged.map(\.disclosureId) == [DeterministicID.string("disclosure", "revised-2", "woon-test")])
        #expect(logged.first?.sourceEventId == "revised-2")
        let logRecord = try #require(log.first { $0.eventId == logged.first?.disclosureId })
        let partnerRecord = try #require(partner.first { $0.eventType == .taskUpdated })
        #expect(try #require(logRecord.timestampMilliseconds) <= (try #require(partnerRecord.timestampMilliseconds)))
        await h.close()
    }

    /// A task withdrawn while its update is held: the partner hears of the end, never of the
    /// revision, also after cooperation returns.
    @Test func aTaskWithdrawnWhileItsUpdateIsHeldGetsOnlyTheCancellation() async throws {
        let h = try FilterHarness()
        try await h.offerAndDecline()
        try await h.deliver(revised(deadline: CalendarDate(year: 2027, month: 2, day: 1)!, id: "1"), id: "revised-1")
        try await h.deliver(cancelled, id: "withdrawn-housing")
        #expect(try await h.store.heldCount() == 0)
        try await h.deliver(cooperation(.cooperating), id: "cooperating")
        let (partner, log) = try await h.throughMarker()
        #expect(partner.map(\.eventType) == [.taskOffered, .taskCancelled, .taskOffered])
        #expect(try loggedUpdates(log).isEmpty)
        await h.close()
    }

    /// A held update for which consent was withdrawn meanwhile is not sent, and not later
    /// either when consent is given again: the withdrawal retracted the task itself.
    @Test func aHeldUpdateIsNotSentOnceConsentWasWithdrawn() async throws {
        let h = try FilterHarness()
        try await h.offerAndDecline()
        try await h.deliver(revised(deadline: CalendarDate(year: 2027, month: 2, day: 1)!, id: "1"), id: "revised-1")
        try await h.deliver(ConsentWithdrawn(consentId: "c1", subjectId: testSubject, domain: .housing, withdrawnAt: Date()),
                            id: "consent-withdrawn")
        try await h.deliver(cooperation(.cooperating), id: "cooperating")
        #expect(try await h.store.heldCount() == 0)
        try await h.deliver(ConsentGiven(consentId: "c2", subjectId: testSubject, domain: .housing, givenAt: Date()),
                            id: "consent-again")
        let (partner, log) = try await h.throughMarker()
        #expect(partner.map(\.eventType) == [.taskOffered, .taskRetracted, .taskOffered])
        #expect(try loggedUpdates(log).isEmpty)
        await h.close()
    }

    /// The held update is in the store: a filter restarted between the revision and the
    /// return of cooperation still sends it.
    @Test func aHeldUpdateSurvivesARestart() async throws {
        let h = try FilterHarness()
        try await h.offerAndDecline()
        let latest = CalendarDate(year: 2027, month: 2, day: 1)!
        try await h.deliver(revised(deadline: latest, id: "1"), id: "revised-1")
        let restarted = h.engine(store: h.store)
        try await h.deliver(cooperation(.cooperating), id: "cooperating", to: restarted)
        let (partner, _) = try await h.throughMarker(to: restarted)
        #expect(partner.map(\.eventType) == [.taskOffered, .taskUpdated, .taskOffered])
        #expect(try updates(partner).map(\.deadline) == [latest])
        await h.close()
    }

    /// A crash after the update's records were written but before the batch was finished
    /// sends it again under the same ids; once finished, a replay of the cooperation event
    /// or a later one sends nothing.
    @Test func aReplayOfTheCooperationEventSendsTheSameUpdateAndNoOther() async throws {
        let h = try FilterHarness()
        try await h.offerAndDecline()
        try await h.deliver(revised(deadline: CalendarDate(year: 2027, month: 2, day: 1)!, id: "1"), id: "revised-1")
        try await h.deliverWithoutFinishing(cooperation(.cooperating), id: "cooperating", to: h.engine)
        #expect(try await h.store.heldCount() == 1)
        let restarted = h.engine(store: h.store)
        try await h.deliver(cooperation(.cooperating), id: "cooperating", to: restarted)
        #expect(try await h.store.heldCount() == 0)
        try await h.deliver(cooperation(.cooperating), id: "cooperating", to: restarted)
        try await h.deliver(cooperation(.cooperating), id: "cooperating-again", to: restarted)

        let (partner, log) = try await h.throughMarker(to: restarted)
        #expect(partner.map(\.eventType) == [.taskOffered, .taskUpdated, .taskUpdated, .taskOffered])
        let updateId = DeterministicID.string("update", "revised-1", "woon-test")
        #expect(try updates(partner).map(\.updateId) == [updateId, updateId])
        #expect(partner.filter { $0.eventType == .taskUpdated }.map(\.eventId) == [updateId, updateId])
        let disclosureId = DeterministicID.string("disclosure", "revised-1", "woon-test")
        #expect(try loggedUpdates(log).map(\.disclosureId) == [disclosureId, disclosureId])
        await h.close()
    }
}
