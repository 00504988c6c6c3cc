import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let newDeadline = CalendarDate(year: 2027, month: 2, day: 22)!

private func revision(of task: TaskAssigned, id: String = "rev-1", urgent: Bool = true) -> TaskRevised {
    var revised = task
    revised.deadline = newDeadline
    revised.expectedReleaseDate = newDeadline
    revised.urgent = urgent
    return TaskRevised(revisionId: id, task: revised, previousDeadline: task.deadline, reason: .releaseDateChanged,
                       revisedAt: Date())
}

private func withdrawal(of task: TaskAssigned, reason: TaskWithdrawn.Reason = .needArranged,
                        retract: Bool = false) -> TaskWithdrawn {
    TaskWithdrawn(taskId: task.taskId, caseId: task.caseId, subjectId: task.subjectId, municipality: task.municipality,
                  taskType: task.taskType, domain: task.domain, partnerId: task.partnerId, partnerRole: task.partnerRole,
                  reason: reason, retract: retract, withdrawnAt: Date())
}

@Suite("Partners learn about changes", .serialized)
struct TaskChangeTests {
    /// The fail-closed pattern of offers holds for updates: while the log write is refused,
    /// no update reaches the partner; redelivered, the update comes with its log record.
    @Test func aRevisionReachesThePartnerHoldingTheTaskOnlyAfterItsLogRecord() async throws {
        let h = try FilterHarness()
        let task = makeTask(.id, partner: "id-test", role: .civilAffairs)
        try await h.deliver(task, id: "assigned-id")
        h.cluster.pushRequestErrors(apiKey: 0, errors: [29])
        await #expect(throws: (any Error).self) { try await h.deliver(revision(of: task), id: "revised-id") }
        // Redelivered until the log takes it (the producer may remember the refusal briefly).
        // Had the refused attempt written its update, the topic would hold it twice.
        try await waitUntil("the revision went through") {
            try await h.deliver(revision(of: task), id: "revised-id")
            return true
        }
        let records = try await h.partnerRecords("id-test", atLeast: 2)
        #expect(records.map(\.eventType) == [.taskOffered, .taskUpdated])
        let update = try TaskUpdated.decodedJSON(Data(try #require(records.last).value))
        #expect(update.taskId == task.taskId && update.deadline == newDeadline && update.deadlinePrecision == .day)
        #expect(update.urgent && update.reason == .releaseDateChanged && update.subject.bsn == "999990019")
        #expect(update.updateId == DeterministicID.string("update", "revised-id", "id-test"))
        // Same per-partner key as the offer: one partition, in order.
        #expect(records.last?.key == records.first?.key)
        let log = try await h.partnerLog(atLeast: 2).map { try DisclosureLogged.decodedJSON(Data($0.value)) }
        let logged = try #require(log.first { $0.sourceEventId == "revised-id" })
        #expect(logged.sourceEventType == .taskRevised && logged.disclosedEventType == .taskUpdated)
        #expect(logged.disclosedFields.contains("deadline") && logged.disclosedFields.contains("subject.bsn"))
        await h.close()
    }

    /// A withdrawal whose log write was refused is staged again and still reaches the
    /// partner: the retraction staged by the refused attempt does not count as sent.
    @Test func aRetractionRefusedByTheLogIsSentWhenStagedAgain() async throws {
        let h = try FilterHarness()
        let task = makeTask(.id, partner: "id-test", role: .civilAffairs)
        try await h.deliver(task, id: "assigned-id")
        h.cluster.pushRequestErrors(apiKey: 0, errors: [29])
        await #expect(throws: (any Error).self) {
            try await h.deliver(withdrawal(of: task, reason: .wrongPerson, retract: true), id: "withdrawn-id")
        }
        try await waitUntil("the withdrawal went through") {
            try await h.deliver(withdrawal(of: task, reason: .wrongPerson, retract: true), id: "withdrawn-id")
            return true
        }
        let records = try await h.partnerRecords("id-test", atLeast: 2)
        #expect(records.map(\.eventType) == [.taskOffered, .taskRetracted])
        await h.close()
    }

    /// A transfer to another PI is detention detail: only a role that may know the prison hears of it.
    @Test func aTransferIsToldOnlyToRolesThatMayKnowThePrison() async throws {
        let h = try FilterHarness()
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")
        let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        let id = makeTask(.id, partner: "id-test", role: .civilAffairs)
        for (task, name) in [(housing, "housing"), (id, "id")] {
            try await h.deliver(task, id: "assigned-\(name)")
            var moved = task
            moved.prisonCode = "PI-ELSEWHERE"
            try await h.deliver(TaskRevised(revisionId: "rev-\(name)", task: moved, previousDeadline: task.deadline,
                                            reason: .transferred, revisedAt: Date()), id: "transferred-\(name)")
        }
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker"),
                            id: "assigned-marker")
        #expect(try await h.partnerRecords("woon-test", atLeast: 2).map(\.eventType) == [.taskOffered, .taskOffered])
        let civil = try await h.partnerRecords("id-test", atLeast: 2)
        #expect(civil.map(\.eventType) == [.taskOffered, .taskUpdated])
        #expect(try TaskUpdated.decodedJSON(Data(civil[1].value)).subject.prisonCode == "PI-ELSEWHERE")
        await h.close()
    }

    @Test func aParkedTaskIsRevisedInPlaceAndOfferedInItsLatestStateWhenConsentComes() async throws {
        let h = try FilterHarness()
        let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        try await h.deliver(housing, id: "assigned-housing")
        try await h.deliver(revision(of: housing), id: "revised-housing")
        #expect(try await h.store.parked(taskId: housing.taskId, partnerId: "woon-test")?.task.deadline == newDeadline)
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")
        let records = try await h.partnerRecords("woon-test", atLeast: 1)
        #expect(records.map(\.eventType) == [.taskOffered])
        let offer = try TaskOffered.decodedJSON(Data(try #require(records.first).value))
        #expect(offer.deadline == newDeadline && offer.urgent && offer.subject.expectedReleaseDate == newDeadline)
        #expect(offer.offerId == DeterministicID.string("offer", "assigned-housing", "woon-test"))
        await h.close()
    }

    @Test func aWithdrawnParkedTaskIsNeverDisclosedEvenWhenConsentComes() async throws {
        let h = try FilterHarness()
        let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        try await h.deliver(housing, id: "assigned-housing")
        try await h.deliver(withdrawal(of: housing), id: "withdrawn-housing")
        #expect(try await h.store.parkedCount() == 0)
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")
        // A later task of the same partner is the marker: everything before it has arrived.
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker"),
                            id: "assigned-marker")
        let records = try await h.partnerRecords("woon-test", atLeast: 1)
        #expect(try records.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-marker"])
        // The parked task was refused while it waited; only the marker reached the partner.
        let log = try await h.partnerLog(atLeast: 2).map { try DisclosureLogged.decodedJSON(Data($0.value)) }
        #expect(log.filter(\.reachedPartner).map(\.sourceEventId) == ["assigned-marker"])
        #expect(log.filter { !$0.reachedPartner }.map(\.refusalReason) == [.noConsent])
        await h.close()
    }

    @Test func aRetractionNamesTheTaskAndNothingAboutThePerson() async throws {
        let h = try FilterHarness()
        let task = makeTask(.id, partner: "id-test", role: .civilAffairs)
        try await h.deliver(task, id: "assigned-id")
        try await h.deliver(withdrawal(of: task, reason: .wrongPerson, retract: true), id: "withdrawn-id")
        let records = try await h.partnerRecords("id-test", atLeast: 2)
        #expect(records.map(\.eventType) == [.taskOffered, .taskRetracted])
        let retraction = try #require(records.last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(retraction.value)) as? [String: Any])
        #expect(Set(object.keys) == ["retractionId", "taskId", "partnerId", "deletionRequested", "processingActivityId"])
        for sentinel in ["999990019", "Tessa", "Testpersoon", "1990-01-01", "2027-03-15", "GM0363", "PI-TEST", "wrong-person",
                         testSubject, testCase.uuidString.lowercased()] {
            #expect(!retraction.text.contains(sentinel), "the retraction carries data")
        }
        #expect(retraction.headers.text(CloudEventHeader.subject) == nil)
        let log = try await h.partnerLog(atLeast: 2).map { try DisclosureLogged.decodedJSON(Data($0.value)) }
        let logged = try #require(log.first { $0.sourceEventId == "withdrawn-id" })
        #expect(logged.disclosedEventType == .taskRetracted && logged.sourceEventType == .taskWithdrawn)
        #expect(logged.disclosedFields == ["taskId", "deletionRequested"])
        await h.close()
    }

    @Test func aCancellationGoesOnlyToThePartnerThatReceivedTheTaskAndOnlyOnce() async throws {
        let h = try FilterHarness()
        let offered = makeTask(.id, partner: "id-test", role: .civilAffairs)
        let denied = makeTask(.network, partner: "no-policy", role: .probation)
        let parked = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        for (task, id) in [(offered, "assigned-id"), (denied, "assigned-network"), (parked, "assigned-housing")] {
            try await h.deliver(task, id: id)
        }
        try await h.deliver(withdrawal(of: offered), id: "withdrawn-id")
        try await h.deliver(withdrawal(of: offered, reason: .caseClosed), id: "withdrawn-id-again")
        try await h.deliver(withdrawal(of: denied), id: "withdrawn-network")
        try await h.deliver(withdrawal(of: parked), id: "withdrawn-housing")
        // A revision after the end tells nothing either.
        try await h.deliver(revision(of: offered), id: "revised-after-end")
        try await h.deliver(makeTask(.id, partner: "id-test", role: .civilAffairs, taskId: "task-marker"), id: "assigned-marker")
        let records = try await h.partnerRecords("id-test", atLeast: 3)
        #expect(records.map(\.eventType) == [.taskOffered, .taskCancelled, .taskOffered])
        let cancellation = try TaskCancelled.decodedJSON(Data(records[1].value))
        #expect(cancellation.taskId == offered.taskId && cancellation.reason == .needArranged && cancellation.domain == .id)
        #expect(cancellation.cancellationId == DeterministicID.string("cancellation", "withdrawn-id", "id-test"))
        // A retraction may still follow a cancellation: the partner must delete after all.
        try await h.deliver(withdrawal(of: offered, reason: .wrongPerson, retract: true), id: "retracted-id")
        #expect(try await h.partnerRecords("id-test", atLeast: 4).map(\.eventType).last == .taskRetracted)
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-marker-2"),
                            id: "assigned-marker-2")
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: testSubject, domain: .housing, givenAt: Date()), id: "consent")
        let housing = try await h.partnerRecords("woon-test", atLeast: 1)
        #expect(try housing.map { try TaskOffered.decodedJSON(Data($0.value)).taskId } == ["task-marker-2"])
        await h.close()
    }
}
