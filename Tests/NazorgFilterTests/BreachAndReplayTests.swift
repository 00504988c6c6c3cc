import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private func withdrawal(of task: TaskAssigned, retract: Bool) -> TaskWithdrawn {
    TaskWithdrawn(taskId: task.taskId, caseId: task.caseId, subjectId: task.subjectId, municipality: task.municipality,
                  taskType: task.taskType, domain: task.domain, partnerId: task.partnerId, partnerRole: task.partnerRole,
                  reason: retract ? .wrongPerson : .needArranged, retract: retract, withdrawnAt: Date())
}

private func revised(_ task: TaskAssigned) -> TaskRevised {
    var task = task
    task.deadline = CalendarDate(year: 2027, month: 2, day: 1)!
    return TaskRevised(revisionId: "rev-\(task.taskId)", task: task, previousDeadline: CalendarDate(year: 2027, month: 3, day: 15)!,
                       reason: .releaseDateChanged, revisedAt: Date())
}

@Suite("Breach records and replays", .serialized)
struct BreachAndReplayTests {
    @Test func aBreachRecordListsExactlyTheDisclosuresOfTheCase() async throws {
        let h = try FilterHarness()
        let otherCase = UUID()
        let id = makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-id")
        let coordinator = makeTask(.income, partner: "gemeente-test", role: .municipalityCoordinator, taskId: "task-income")
        let elsewhere = makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-other-case", caseId: otherCase)
        let waiting = makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-waiting")
        try await h.deliver(id, id: "assigned-id")
        try await h.deliver(coordinator, id: "assigned-income")
        try await h.deliver(elsewhere, id: "assigned-other")
        try await h.deliver(waiting, id: "assigned-waiting")  // parked: never disclosed
        try await h.deliver(revised(id), id: "revised-id")
        try await h.deliver(withdrawal(of: id, retract: true), id: "retracted-id")
        try await h.deliver(withdrawal(of: waiting, retract: true), id: "retracted-waiting")
        let raisedAt = instant("2027-01-10T10:00:00.000Z")
        let dueAt = raisedAt.addingTimeInterval(48 * 3600)
        try await h.deliver(EscalationRaised(escalationId: "esc-1", caseId: testCase, subjectId: testSubject, municipality: "GM0599",
                                             reason: .possibleDataBreach, dueAt: dueAt, raisedAt: raisedAt), id: "escalated-1")
        try await h.deliver(EscalationRaised(escalationId: "esc-2", caseId: otherCase, subjectId: testSubject, municipality: "GM0599",
                                             reason: .possibleDataBreach, raisedAt: raisedAt), id: "escalated-2")

        let log = try await h.partnerLog(atLeast: 7)
        let breaches = try log.filter { $0.eventType == .breachRecorded }.map { try BreachRecorded.decodedJSON(Data($0.value)) }
        #expect(breaches.count == 2)
        let breach = try #require(breaches.first { $0.caseId == testCase })
        #expect(breach.breachId == DeterministicID.string("breach", "escalated-1"))
        #expect(breach.escalationId == "esc-1" && breach.reportBefore == dueAt && breach.detectedAt == raisedAt)
        let logged = try log.filter { $0.eventType == .disclosureLogged }.map { try DisclosureLogged.decodedJSON(Data($0.value)) }
        let expected = logged.filter { ["assigned-id", "assigned-income", "revised-id"].contains($0.sourceEventId) }
        #expect(Set(breach.disclosures.map(\.disclosureId)) == Set(expected.map(\.disclosureId)))
        #expect(breach.disclosures.count == 3)
        for disclosure in breach.disclosures {
            let source = try #require(expected.first { $0.disclosureId == disclosure.disclosureId })
            #expect(disclosure.receiverId == source.receiverId && disclosure.receiverRole == source.receiverRole)
            #expect(disclosure.disclosedFields == source.disclosedFields && disclosure.sourceEventType == source.sourceEventType)
            #expect(disclosure.retracted == (disclosure.receiverId == "id-test"))
        }
        let other = try #require(breaches.first { $0.caseId == otherCase })
        #expect(other.disclosures.map(\.receiverId) == ["id-test"] && other.disclosures.first?.retracted == false)
        #expect(other.reportBefore == raisedAt.addingTimeInterval(72 * 3600))
        await h.close()
    }

    /// A batch read again after a crash that lost the filter's unfinished state writes the
    /// same records again: same ids for the offer, the update, the retraction, their log
    /// records and the breach record.
    @Test func aReplayedBatchWritesTheSameIds() async throws {
        let h = try FilterHarness()
        let task = makeTask(.id, partner: "id-test", role: .civilAffairs)
        let events: [(any EventPayload, String)] = [
            (task, "assigned-id"), (revised(task), "revised-id"), (withdrawal(of: task, retract: true), "retracted-id"),
            (EscalationRaised(escalationId: "esc-1", caseId: testCase, subjectId: testSubject, municipality: "GM0599", reason: .possibleDataBreach,
                              raisedAt: Date()), "escalated"),
        ]
        func run(on engine: FilterEngine) async throws {
            for (payload, id) in events { try await h.deliver(payload, id: id, to: engine) }
        }
        try await run(on: h.engine)
        try await run(on: h.engine(store: try FilterHarness.newStore()))
        let partner = try await h.partnerRecords("id-test", atLeast: 6)
        let log = try await h.partnerLog(atLeast: 8)
        for records in [partner, log] {
            let ids = records.compactMap(\.eventId)
            #expect(ids.count == records.count && records.count % 2 == 0)
            #expect(Array(ids.prefix(ids.count / 2)) == Array(ids.suffix(ids.count / 2)))
        }
        #expect(partner.map(\.eventType) == [.taskOffered, .taskUpdated, .taskRetracted, .taskOffered, .taskUpdated, .taskRetracted])
        // The same store: the events are known, nothing is written again.
        try await run(on: h.engine)
        try await h.deliver(makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-marker"), id: "assigned-marker")
        #expect(try await h.partnerRecords("id-test", atLeast: 7).count == 7)
        await h.close()
    }

    /// Every record the filter writes for the new case events is valid against its schema,
    /// and what it writes to the monitoring feed names nobody.
    @Test func everyRecordWrittenForTheCaseEventsMatchesItsSchema() async throws {
        let h = try FilterHarness()
        let examples = filterRoot.appendingPathComponent("Contracts/examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted()
        var delivered = 0
        for file in files {
            // Assigned tasks are offered below, to a partner whose topic exists.
            guard let type = EventType(rawValue: String(file.prefix { $0 != "-" })), type.isCaseEvent, type != .taskAssigned
            else { continue }
            let event = try CaseEvent.decode(from: try Data(contentsOf: examples.appendingPathComponent(file)), eventType: type)
            try await h.deliver(event.payload, id: "example-\(file)")
            delivered += 1
        }
        let task = makeTask(.id, partner: "id-test", role: .civilAffairs)
        var changed = task
        changed.details = NeedDetails(id: IDDetails(validDocumentPresent: false, documentType: .passport))
        for (payload, id) in [(task, "a"), (revised(changed), "r"), (withdrawal(of: task, retract: false), "w")] as [(any EventPayload, String)] {
            try await h.deliver(payload, id: id)
        }
        try await h.deliver(withdrawal(of: task, retract: true), id: "x")
        try await h.deliver(EscalationRaised(escalationId: "e", caseId: testCase, subjectId: testSubject, municipality: "GM0599",
                                             reason: .possibleDataBreach, raisedAt: Date()), id: "b")
        let feed = try await h.read(Topics.monitoringFeed, atLeast: delivered + 5)
        #expect(feed.count == delivered + 5)
        let written = feed + (try await h.partnerLog(atLeast: 5))
            + (try await h.partnerRecords("id-test", atLeast: 4))
        #expect(Set(written.compactMap(\.eventType)).isSuperset(of: [.flowObserved, .disclosureLogged, .breachRecorded,
                                                                     .taskOffered, .taskUpdated, .taskCancelled, .taskRetracted]))
        for record in feed {
            for sentinel in ["999990019", "Tessa", "Testpersoon", "1990-01-01", "PI-TEST"] {
                #expect(!record.text.contains(sentinel), "the monitoring feed names the person")
            }
        }
        let observed = try feed.map { try FlowObserved.decodedJSON(Data($0.value)) }
        let releaseDay = try #require(observed.first { $0.sourceEventType == .releaseDayRecorded })
        #expect(releaseDay.coverage?.count == 6 && releaseDay.releaseType != nil && releaseDay.unannounced != nil)
        let handedOver = try #require(observed.first { $0.sourceEventType == .caseHandedOver })
        #expect(handedOver.municipality != nil && handedOver.toMunicipality != nil && handedOver.municipality != handedOver.toMunicipality)
        #expect(observed.contains { $0.sourceEventType == .taskWithdrawn && $0.withdrawalReason == .needArranged })

        try expectSchemaConformance(written)
        await h.close()
    }
}
