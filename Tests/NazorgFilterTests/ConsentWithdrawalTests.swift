import Foundation
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
private let housingMeasure: TaskAssigned = {
    var task = makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-rent-continuation",
                        taskType: .measure)
    task.measure = .rentContinuation
    return task
}()
private let idTask = makeTask(.id, partner: "id-test", role: .civilAffairs)
private let debts = makeTask(.debts, partner: "schuld-test", role: .debtRelief)

private func given(_ domain: Domain) -> ConsentGiven {
    ConsentGiven(consentId: "c-\(domain.rawValue)", subjectId: testSubject, domain: domain, givenAt: Date())
}

private func withdrawn(_ domain: Domain) -> ConsentWithdrawn {
    ConsentWithdrawn(consentId: "w-\(domain.rawValue)", subjectId: testSubject, domain: domain, withdrawnAt: Date())
}

private func decoded<P: EventPayload>(_ records: [ConsumerRecord], _ type: P.Type) throws -> [P] {
    try records.filter { $0.eventType == P.eventType }.map { try ReceivedEvent(record: $0).decode(P.self) }
}

@Suite("A withdrawal of consent retracts what rested on it", .serialized)
struct ConsentWithdrawalTests {
    /// Two housing tasks (a delivery and a measure) offered on consent, a debts task on its own
    /// consent and an ID task on public task: withdrawing the housing consent sends each
    /// housing task one data-free TaskRetracted, logged first, tells planning each stopped, and
    /// leaves debts and ID alone. A new housing task then waits; the replay changes nothing.
    @Test func eachTaskReceivedOnTheConsentIsRetractedOnceAndPlanningHears() async throws {
        let h = try FilterHarness()
        try await h.deliver(given(.housing), id: "consent-housing")
        try await h.deliver(given(.debts), id: "consent-debts")
        try await h.deliver(housing, id: "assigned-housing")
        try await h.deliver(housingMeasure, id: "assigned-measure")
        try await h.deliver(debts, id: "assigned-debts")
        try await h.deliver(idTask, id: "assigned-id")
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing")

        let partner = try await h.partnerRecords("woon-test", atLeast: 4)
        #expect(partner.map(\.eventType) == [.taskOffered, .taskOffered, .taskRetracted, .taskRetracted])
        let retractions = try decoded(partner, TaskRetracted.self)
        #expect(Set(retractions.map(\.taskId)) == [housing.taskId, housingMeasure.taskId])
        #expect(Set(retractions.map(\.retractionId)).count == 2)
        for record in partner where record.eventType == .taskRetracted {
            // Data-free: the task id and nothing of the person.
            #expect(!record.text.contains("999990019") && !record.text.contains("Testpersoon") && !record.text.contains("2027"))
            #expect(record.headers.text(CloudEventHeader.subject) == nil)
        }
        // One partition per person and partner: the retraction follows the offers.
        #expect(Set(partner.compactMap(\.key).map { String(decoding: $0, as: UTF8.self) }).count == 1)

        let log = try decoded(try await h.partnerLog(atLeast: 6), DisclosureLogged.self)
        let retractionLog = log.filter { $0.disclosedEventType == .taskRetracted }
        #expect(retractionLog.count == 2)
        #expect(retractionLog.allSatisfy { $0.sourceEventType == .consentWithdrawn && $0.receiverId == "woon-test" })
        #expect(retractionLog.allSatisfy { $0.disclosedFields == ["taskId", "deletionRequested"] })
        #expect(Set(log.map(\.disclosureId)).count == log.count)

        let reports = try await h.read(Topics.partnerStatus, atLeast: 2).map { try TaskStatusChanged.decodedJSON(Data($0.value)) }
        #expect(Set(reports.map(\.taskId)) == [housing.taskId, housingMeasure.taskId])
        #expect(reports.allSatisfy { $0.status == .undeliverable && $0.reason == HubReason.consentWithdrawn })

        // Nothing new on the withdrawn consent; the other consent and the public task untouched.
        try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-housing-2"),
                            id: "assigned-housing-2")
        #expect(try await h.store.parkedCount() == 1)
        #expect(try await h.partnerRecords("schuld-test", atLeast: 1).map(\.eventType) == [.taskOffered])
        #expect(try await h.partnerRecords("id-test", atLeast: 1).map(\.eventType) == [.taskOffered])

        // The same withdrawal again (a redelivery), and a second withdrawal: nothing more.
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing")
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing-again")
        let after = try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("woon-test"))
        #expect(after.count == 4)
        await h.close()
    }

    /// A filter that lost its store after the withdrawal's records were written (but before
    /// `finish`) stages the same records under the same ids: consumers deduplicate them.
    @Test func aReplayAfterACrashRepeatsTheSameIds() async throws {
        let h = try FilterHarness()
        try await h.deliver(given(.housing), id: "consent-housing")
        try await h.deliver(housing, id: "assigned-housing")
        let store = try FilterHarness.newStore()
        let restarted = h.engine(store: store)
        // The restarted filter reads everything again from the start of its topics.
        try await h.deliver(given(.housing), id: "consent-housing", to: restarted)
        try await h.deliver(housing, id: "assigned-housing", to: restarted)
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing", to: restarted)
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing")
        let partner = try await h.partnerRecords("woon-test", atLeast: 4)
        let ids = partner.compactMap(\.eventId)
        #expect(partner.map(\.eventType) == [.taskOffered, .taskOffered, .taskRetracted, .taskRetracted])
        #expect(Set(ids).count == 2, "the offer and the retraction, each written twice under one id")
        await h.close()
    }

    /// An offer and the withdrawal in one batch: the withdrawal sees the staged offer and
    /// retracts it; a task and an update after it in the batch disclose nothing.
    @Test func aWithdrawalInTheSameBatchAsOffersWinsTheRace() async throws {
        let h = try FilterHarness()
        try await h.deliver(given(.housing), id: "consent-housing")
        var revised = housing
        revised.deadline = CalendarDate(year: 2027, month: 4, day: 1)!
        try await h.deliverBatch([
            (housing, "assigned-housing"),
            (withdrawn(.housing), "withdraw-housing"),
            (makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "task-late"), "assigned-late"),
            (TaskRevised(revisionId: "rev-1", task: revised, previousDeadline: housing.deadline, reason: .releaseDateChanged,
                         revisedAt: Date()), "revised-housing"),
        ])
        let partner = try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("woon-test"))
        #expect(partner.map(\.eventType) == [.taskOffered, .taskRetracted])
        #expect(try await h.store.parkedCount() == 1)
        // Once finished, the store alone knows it: a later withdrawal retracts nothing again.
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing-2")
        #expect(try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("woon-test")).count == 2)
        await h.close()
    }

    /// A task cancelled before the withdrawal is still retracted (the partner holds its data)
    /// but planning is not told again; a task the partner never received is not named.
    @Test func aCancelledTaskIsRetractedWithoutAReportAndAParkedOneIsNotNamed() async throws {
        let h = try FilterHarness()
        try await h.deliver(given(.housing), id: "consent-housing")
        try await h.deliver(housing, id: "assigned-housing")
        try await h.deliver(TaskWithdrawn(taskId: housing.taskId, caseId: testCase, subjectId: testSubject,
                                          municipality: "GM0363", taskType: .deliver, domain: .housing,
                                          partnerId: "woon-test", partnerRole: .housingCorporation, reason: .caseClosed,
                                          retract: false, withdrawnAt: Date()), id: "withdrawn-housing")
        try await h.deliver(withdrawn(.debts), id: "withdraw-debts")
        try await h.deliver(debts, id: "assigned-debts")
        try await h.deliver(withdrawn(.housing), id: "withdraw-housing")
        let partner = try await h.partnerRecords("woon-test", atLeast: 3)
        #expect(partner.map(\.eventType) == [.taskOffered, .taskCancelled, .taskRetracted])
        let reports = try await drainTopic(h.cluster.bootstrapServers, Topics.partnerStatus)
        #expect(reports.isEmpty)
        #expect(try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("schuld-test")).isEmpty)
        await h.close()
    }

    /// A withdrawal racing records in flight: the consumer service decides a stream of housing
    /// tasks and revisions while the withdrawal arrives on its own topic, at a moment no one
    /// chooses. Whatever the interleaving, nothing reaches the housing corporation after the
    /// withdrawal was decided: on the partner's topic (one partition per person) no offer or
    /// update follows the first retraction, every task it was offered is retracted, on the
    /// disclosure log no disclosure to it follows the withdrawal's first record, and every
    /// task not offered waits for consent. Nothing is lost: each task was decided once.
    @Test func aWithdrawalRacingTasksInFlightStopsEveryLaterDisclosure() async throws {
        let h = try FilterHarness()
        try await h.deliver(given(.housing), id: "consent-housing")
        let count = 120
        let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(h.cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "filter-race",
                                                                  topics: [Topics.planningCaseEvents, Topics.consentEvents]),
                                         logger: filterTestLogger)
        let service = EventConsumerService(name: "filter", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: h.producer, service: "filter"),
                                           logger: filterTestLogger, handler: h.engine)
        func task(_ i: Int) -> TaskAssigned {
            makeTask(.housing, partner: "woon-test", role: .housingCorporation, taskId: "race-\(i)")
        }
        try await withServices([service]) {
            for i in 0..<count {
                let assigned = try h.publisher.record(task(i), topic: Topics.planningCaseEvents, key: testSubject,
                                                      id: "race-assigned-\(i)", subject: testSubject, trace: .random())
                try await h.producer.send(assigned)
                if i > 0, i % 3 == 0 {
                    var moved = task(i - 1)
                    moved.deadline = CalendarDate(year: 2027, month: 2, day: 1)!
                    let revision = TaskRevised(revisionId: "race-rev-\(i)", task: moved, previousDeadline: task(i - 1).deadline,
                                               reason: .releaseDateChanged, revisedAt: Date())
                    try await h.producer.send(try h.publisher.record(revision, topic: Topics.planningCaseEvents, key: testSubject,
                                                                     id: "race-revised-\(i)", subject: testSubject,
                                                                     trace: .random()))
                }
                if i == count / 3 {
                    // Some tasks reached the partner, the rest is still being sent when the
                    // withdrawal goes out on its own topic.
                    try await waitUntil("a first task was offered", timeout: .seconds(60)) {
                        try await !h.read(Topics.partnerTasks("woon-test"), atLeast: 1).isEmpty
                    }
                    try await h.producer.send(try h.publisher.record(withdrawn(.housing), topic: Topics.consentEvents,
                                                                     key: testSubject, id: "race-withdrawal", subject: testSubject,
                                                                     trace: .random()))
                }
            }
            try await waitUntil("the filter decided every task and the withdrawal", timeout: .seconds(120)) {
                let partner = try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("woon-test"))
                let offered = partner.filter { $0.eventType == .taskOffered }.count
                let retracted = partner.filter { $0.eventType == .taskRetracted }.count
                return try await h.store.parkedCount() + offered == count && offered == retracted
            }
        }
        let partner = try await drainTopic(h.cluster.bootstrapServers, Topics.partnerTasks("woon-test"))
        let firstRetraction = try #require(partner.firstIndex { $0.eventType == .taskRetracted },
                                           "the withdrawal retracted what was offered")
        #expect(!partner[firstRetraction...].contains { $0.eventType == .taskOffered || $0.eventType == .taskUpdated },
                "a task reached the partner after the withdrawal was decided")
        let offers = try decoded(partner, TaskOffered.self)
        let retracted = Set(try decoded(partner, TaskRetracted.self).map(\.taskId))
        #expect(Set(offers.map(\.taskId)) == retracted, "every task offered on the consent is retracted")
        #expect(offers.count < count, "the withdrawal came while tasks were still in flight")
        #expect(try await h.store.parkedCount() == count - offers.count)

        let log = try decoded(withoutMonitoring(try await drainTopic(h.cluster.bootstrapServers, Topics.filterDisclosures)), DisclosureLogged.self)
        let withdrawalDecided = try #require(log.firstIndex { $0.sourceEventId == "race-withdrawal" })
        #expect(!log[withdrawalDecided...].contains { $0.receiverId == "woon-test" && $0.effectiveStatus == .disclosed })
        // Each task decided once: disclosed or refused, never both, none missing.
        let decided = log.filter { $0.sourceEventType == .taskAssigned }
        #expect(Set(decided.map(\.sourceEventId)) == Set((0..<count).map { "race-assigned-\($0)" }))
        #expect(decided.count == count)
        #expect(decided.filter { $0.effectiveStatus == .disclosed }.count == offers.count)
        await h.close()
    }
}
