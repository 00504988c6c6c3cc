import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing
@testable import NazorgPlanning

private let logger = quietLogger("planning.tests")

private let directory = try! PartnerDirectory(partners: [
    .init(id: "woon-test", name: "Woon", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"], webhook: nil),
    .init(id: "id-test", name: "ID", role: .civilAffairs, domains: [.id], municipalities: ["*"], webhook: nil),
])

private let subject = String(repeating: "5e", count: 16)
private let person = Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon", birthDate: CalendarDate(year: 1990, month: 1, day: 1)!)
private let release = CalendarDate(year: 2027, month: 3, day: 15)!

private func plan(_ needs: [Domain], noticeId: String = "plan-1") -> IntakeNotice {
    .detentionPlanShared(DetentionPlanShared(noticeId: noticeId, subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST",
                                             person: person, reportedAt: Date(), detentionType: .sentence, expectedReleaseDate: release,
                                             needs: needs.map { Need(domain: $0, status: .needed) } + [Need(domain: .care, status: .arranged)],
                                             consents: [.housing]))
}

private func temporaryStore() throws -> (SQLitePlanningStore, String) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("planning-\(UUID().uuidString).sqlite").path
    return (try SQLitePlanningStore(path: path), path)
}

@Suite("Planning")
struct PlanningTests {
    let planner = Planner(directory: directory)

    @Test func aReleaseDateAtTheEdgeOfTheCalendarIsPoisonNotACrash() throws {
        for (date, domain) in [("9999-12-31", Domain.housing), ("0001-01-01", Domain.id)] {
            let releaseDate = try #require(CalendarDate(string: date))
            let notice = IntakeNotice.detentionPlanShared(DetentionPlanShared(
                noticeId: "edge", subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST", person: person,
                reportedAt: Date(), detentionType: .sentence, expectedReleaseDate: releaseDate,
                needs: [Need(domain: domain, status: .needed)], consents: []))
            // 9999-12-31 + 0 days is fine for housing; a housing rule of one day after release goes over the edge.
            var rules = DeadlineRules.standard
            rules.deliver[.housing] = DeadlineRule(.expectedRelease, days: 1)
            let edgePlanner = Planner(directory: directory, rules: rules)
            #expect(throws: PoisonEvent.self) {
                _ = try edgePlanner.decide(notice: notice, eventId: "e-edge", trace: .random(), now: Date(), state: nil)
            }
        }
    }

    @Test func hubStatusesEscalateWithTheirReason() throws {
        let change = try planner.decide(notice: plan([.housing]), eventId: "e1", trace: .random(), now: Date(), state: nil)
        let task = try #require(change.upsertTasks.first)
        for (status, reason, expected) in [(TaskStatus.awaitingConsent, HubReason.consentMissing, EscalationRaised.Reason.awaitingConsent),
                                           (.undeliverable, HubReason.noPolicy, .disclosureDenied),
                                           (.undeliverable, HubReason.partnerRefused, .deliveryFailed),
                                           (.undeliverable, HubReason.deadLettered, .deliveryFailed)] {
            let report = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: status,
                                           reason: reason, changedAt: Date())
            let decided = try planner.decide(status: report, eventId: "s-\(status.rawValue)-\(reason)", trace: .random(), now: Date(),
                                             state: state(change))
            let forwarded = try #require(decided.outbox.first)
            let republished = try TaskStatusChanged.decodedJSON(forwarded.payload)
            #expect(republished.caseId == task.caseId && republished.subjectId == subject)
            let escalation = try EscalationRaised.decodedJSON(try #require(decided.outbox.last).payload)
            #expect(escalation.reason == expected && escalation.taskId == task.taskId)
        }
    }

    @Test func aLateWaitReportDoesNotUndoWhatHappenedSince() throws {
        let change = try planner.decide(notice: plan([.housing]), eventId: "e1", trace: .random(), now: Date(), state: nil)
        var task = try #require(change.upsertTasks.first)
        task.status = TaskStatus.offered.rawValue
        let late = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: .awaitingConsent,
                                     reason: HubReason.consentMissing, changedAt: Date())
        let ignored = try planner.decide(status: late, eventId: "late", trace: .random(), now: Date(),
                                         state: state(change, tasks: [task]))
        #expect(ignored.upsertTasks.isEmpty && ignored.outbox.isEmpty)
        task.status = TaskStatus.accepted.rawValue
        let lateOffer = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: .offered,
                                          changedAt: Date())
        #expect(try planner.decide(status: lateOffer, eventId: "late-offer", trace: .random(), now: Date(),
                                   state: state(change, tasks: [task])).outbox.isEmpty)
        // A partner's own answer always applies.
        let rejected = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: .rejected,
                                         reason: "Geen plek.", changedAt: Date())
        #expect(try planner.decide(status: rejected, eventId: "rej", trace: .random(), now: Date(),
                                   state: state(change, tasks: [task])).outbox.count == 2)
    }

    @Test func planOpensCaseAndAssignsATaskPerNeedToTheMunicipalitysPartner() throws {
        let change = try planner.decide(notice: plan([.housing, .id, .debts]), eventId: "e1", trace: .random(), now: Date(),
                                        state: nil)
        #expect(change.upsertCase?.subjectId == subject)
        #expect(change.upsertCase?.expectedReleaseDate == release)
        #expect(Set(change.upsertTasks.map(\.partnerId)) == ["woon-test", "id-test"])
        let types = change.outbox.map(\.type)
        #expect(types == [.caseOpened, .taskAssigned, .taskAssigned, .escalationRaised])  // debts: no partner
        let housing = try #require(change.upsertTasks.first { $0.domain == .housing })
        #expect(housing.deadline == release)
        let id = try #require(change.upsertTasks.first { $0.domain == .id })
        #expect(try id.deadline == release.adding(days: -28))
        // The same input decides the same ids.
        let again = try planner.decide(notice: plan([.housing, .id, .debts]), eventId: "e1", trace: .random(), now: Date(),
                                       state: nil)
        #expect(again.outbox.map(\.eventId) == change.outbox.map(\.eventId))
    }

    @Test func redeliveredEventChangesNothingAndStateSurvivesRestart() async throws {
        let (store, path) = try temporaryStore()
        let planner = self.planner
        let notice = plan([.housing, .id])
        let first = try await store.apply(eventId: "evt-1", subjectId: subject) { state in
            try planner.decide(notice: notice, eventId: "evt-1", trace: .random(), now: Date(), state: state)
        }
        #expect(first)
        let outbox = try await store.pendingOutbox(limit: 100)
        #expect(outbox.count == 3)
        try await store.removeFromOutbox(outbox.map(\.eventId))
        let second = try await store.apply(eventId: "evt-1", subjectId: subject) { state in
            try planner.decide(notice: notice, eventId: "evt-1", trace: .random(), now: Date(), state: state)
        }
        #expect(!second)
        #expect(try await store.pendingOutbox(limit: 100).isEmpty)

        let reopened = try SQLitePlanningStore(path: path)
        let record = try #require(try await reopened.caseRecord(subjectId: subject))
        #expect(record.person == person)
        #expect(try await reopened.tasks(caseId: record.caseId).count == 2)
        // A later plan for the same person with an extra need adds only that task.
        let later = plan([.housing, .id, .housing].uniqued(), noticeId: "plan-2")
        let applied = try await reopened.apply(eventId: "evt-2", subjectId: subject) { state in
            try planner.decide(notice: later, eventId: "evt-2", trace: .random(), now: Date(), state: state)
        }
        #expect(applied)
        #expect(try await reopened.pendingOutbox(limit: 100).isEmpty)
    }

    @Test func aBatchIsOneTransactionWhoseInputsSeeEachOtherAndFailAlone() async throws {
        let (store, _) = try temporaryStore()
        let planner = self.planner
        let notice = plan([.housing])
        let assigned = try planner.decide(notice: notice, eventId: "evt-1", trace: .random(), now: Date(), state: nil)
        let task = try #require(assigned.upsertTasks.first)
        let accepted = TaskStatusChanged(taskId: task.taskId, partnerId: task.partnerId, domain: task.domain, status: .accepted,
                                         changedAt: Date())
        let stranger = TaskStatusChanged(taskId: "task-nobody-assigned", partnerId: task.partnerId, domain: task.domain,
                                         status: .accepted, changedAt: Date())
        func status(_ report: TaskStatusChanged, _ id: String) -> PlanningInput {
            PlanningInput(eventId: id, owner: .ownerOfTask(report.taskId)) { _, state in
                try planner.decide(status: report, eventId: id, trace: .random(), now: Date(), state: state)
            }
        }
        let open = PlanningInput(eventId: "evt-1", owner: .subject(subject)) { _, state in
            try planner.decide(notice: notice, eventId: "evt-1", trace: .random(), now: Date(), state: state)
        }
        // The report finds the task the notice before it assigned in the same transaction; the
        // report about a task nobody assigned is refused alone; the repeat changes nothing.
        let outcomes = try await store.apply([open, status(stranger, "evt-2"), status(accepted, "evt-3"), open])
        #expect(outcomes.map(\.label) == ["applied", "refused:unknown-task", "applied", "already-applied"])
        let record = try #require(try await store.caseRecord(subjectId: subject))
        #expect(try await store.tasks(caseId: record.caseId).map(\.status) == ["accepted"])
        #expect(try await store.pendingOutbox(limit: 100).map(\.type) == assigned.outbox.map(\.type) + [.taskStatusChanged])

        // Any other failure takes the whole batch back, the inputs before it included.
        struct DiskFull: Error {}
        let other = String(repeating: "6f", count: 16)
        let second = PlanningInput(eventId: "evt-4", owner: .subject(other)) { _, _ in
            PlanningChange(upsertCases: [CaseRecord(caseId: UUID(), subjectId: other, municipality: "GM0363", prisonCode: "PI-TEST",
                                                    person: person, expectedReleaseDate: nil, openedAt: Date())])
        }
        let failing = PlanningInput(eventId: "evt-5", owner: .subject(other)) { _, _ in throw DiskFull() }
        await #expect(throws: DiskFull.self) { try await store.apply([second, failing]) }
        #expect(try await store.caseRecord(subjectId: other) == nil)
        #expect(try await store.apply([second]).map(\.label) == ["applied"])
    }

    @Test func theEngineAppliesAPreparedBatchOnceAndRefusesItsPoisonWhenStaged() async throws {
        let (sqlite, _) = try temporaryStore()
        let store = CountingPlanningStore(store: sqlite)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: logger)
        let publisher = EventPublisher(producer: producer, source: PlanningService.source)
        let engine = PlanningEngine(store: store, planner: planner, publisher: publisher, logger: logger)
        func received(_ notice: IntakeNotice, id: String) throws -> ReceivedEvent {
            let record = try publisher.record(notice.payload as! DetentionPlanShared, topic: Topics.intakeNotices, key: notice.subjectId,
                                              id: id, subject: notice.subjectId, trace: .random())
            return try ReceivedEvent(record: ConsumerRecord(topic: Topics.intakeNotices, partition: 0, offset: 0, key: record.key,
                                                            value: record.value, headers: record.headers, timestampMilliseconds: nil))
        }
        let stranger = TaskStatusChanged(taskId: "task-nobody-assigned", partnerId: "woon-test", domain: .housing,
                                         status: .accepted, changedAt: Date())
        let strangerRecord = try publisher.taskStatusRecord(stranger, id: "status-evt", trace: .random())
        let events = [try received(plan([.housing]), id: "notice-1"),
                      try ReceivedEvent(record: ConsumerRecord(topic: Topics.partnerStatus, partition: 0, offset: 1,
                                                               key: strangerRecord.key, value: strangerRecord.value,
                                                               headers: strangerRecord.headers, timestampMilliseconds: nil)),
                      try received(plan([.housing, .id], noticeId: "plan-2"), id: "notice-2")]
        try await engine.prepare(events)
        #expect(store.calls == [3])
        var records = StagedRecords()
        try await engine.stage(events[0], into: &records)
        await #expect(throws: PoisonEvent.self) { try await engine.stage(events[1], into: &records) }
        try await engine.stage(events[2], into: &records)
        #expect(store.calls == [3], "staging a prepared event applies nothing again")
        let record = try #require(try await sqlite.caseRecord(subjectId: subject))
        #expect(Set(try await sqlite.tasks(caseId: record.caseId).map(\.domain)) == [.housing, .id])
        // Unprepared (the batch's transaction failed), an event is applied alone.
        try await engine.stage(try received(plan([.debts], noticeId: "plan-3"), id: "notice-3"), into: &records)
        #expect(store.calls == [3, 1])

        // With traces on, every event is applied alone while staged, inside its span.
        let (otherSQLite, _) = try temporaryStore()
        let alone = CountingPlanningStore(store: otherSQLite)
        let traced = PlanningEngine(store: alone, planner: planner, publisher: publisher, logger: logger, appliesBatches: false)
        try await traced.prepare(events)
        #expect(alone.calls.isEmpty)
        try await traced.stage(events[0], into: &records)
        await #expect(throws: PoisonEvent.self) { try await traced.stage(events[1], into: &records) }
        #expect(alone.calls == [1, 1])
        await producer.close()
    }

    @Test func rejectionReturnsTheTaskToTheCoordinatorAsEscalation() throws {
        let change = try planner.decide(notice: plan([.housing]), eventId: "e1", trace: .random(), now: Date(), state: nil)
        let task = try #require(change.upsertTasks.first)
        let rejected = TaskStatusChanged(taskId: task.taskId, caseId: task.caseId, subjectId: subject, partnerId: "woon-test",
                                         domain: .housing, status: .rejected, reason: "Geen woning beschikbaar", changedAt: Date())
        let result = try planner.decide(status: rejected, eventId: "s1", trace: .random(), now: Date(),
                                        state: state(change))
        #expect(result.upsertTasks.first?.status == "rejected")
        #expect(result.outbox.map(\.type) == [.taskStatusChanged, .escalationRaised])
        let wrongPartner = TaskStatusChanged(taskId: task.taskId, caseId: task.caseId, subjectId: subject, partnerId: "id-test",
                                             domain: .housing, status: .accepted, changedAt: Date())
        #expect(throws: PoisonEvent.self) {
            try planner.decide(status: wrongPartner, eventId: "s2", trace: .random(), now: Date(),
                               state: state(change))
        }
    }

    @Test func engineConsumesNoticesAndPublishesCaseEventsOnKafka() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.planningCaseEvents, partitions: 3)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        let (store, _) = try temporaryStore()
        let publisher = EventPublisher(producer: producer, source: PlanningService.source)
        let engine = PlanningEngine(store: store, planner: planner, publisher: publisher, logger: logger)
        let noticeRecord = try publisher.record(plan([.housing, .id]).payload as! DetentionPlanShared, topic: Topics.intakeNotices,
                                                key: subject, id: "notice-evt", subject: subject, trace: .random())
        let received = try ReceivedEvent(record: ConsumerRecord(topic: Topics.intakeNotices, partition: 0, offset: 0,
                                                                key: noticeRecord.key, value: noticeRecord.value,
                                                                headers: noticeRecord.headers, timestampMilliseconds: nil))
        try await engine.handle(received)
        try await engine.handle(received)  // redelivery
        await producer.close()
        // readTopic polls once more after the third record: a redelivery that produced events would show.
        let records = try await readTopic(cluster.bootstrapServers, Topics.planningCaseEvents, atLeast: 3, timeout: .seconds(20))
        let types = try records.map { try ReceivedEvent(record: $0).envelope.type }
        #expect(types.filter { $0 == .caseOpened }.count == 1)
        #expect(types.filter { $0 == .taskAssigned }.count == 2)
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.keyText == subject })
    }
}

/// Counts how many inputs each call to the store applied.
private final class CountingPlanningStore: PlanningStore {
    let store: SQLitePlanningStore
    private let counted = Mutex<[Int]>([])
    var calls: [Int] { counted.withLock { $0 } }

    init(store: SQLitePlanningStore) { self.store = store }

    func apply(_ inputs: [PlanningInput]) async throws -> [PlanningOutcome] {
        counted.withLock { $0.append(inputs.count) }
        return try await store.apply(inputs)
    }

    func erase(subjectId: String) async throws -> Int { try await store.erase(subjectId: subjectId) }
    func pendingOutbox(limit: Int) async throws -> [OutboxEvent] { try await store.pendingOutbox(limit: limit) }
    func removeFromOutbox(_ eventIds: [String]) async throws { try await store.removeFromOutbox(eventIds) }
    func caseRecord(subjectId: String) async throws -> CaseRecord? { try await store.caseRecord(subjectId: subjectId) }
    func tasks(caseId: UUID) async throws -> [TaskRecord] { try await store.tasks(caseId: caseId) }
    func cases(subjectId: String) async throws -> [CaseRecord] { try await store.cases(subjectId: subjectId) }
    func notices(caseId: UUID) async throws -> [NoticeRecord] { try await store.notices(caseId: caseId) }
    func openCasesReleased(onOrBefore day: CalendarDate) async throws -> [CaseRecord] {
        try await store.openCasesReleased(onOrBefore: day)
    }
    func caseState(caseId: UUID) async throws -> CaseState? { try await store.caseState(caseId: caseId) }
    func casesWithTimersDue(at moment: Date, limit: Int) async throws -> [UUID] {
        try await store.casesWithTimersDue(at: moment, limit: limit)
    }
    func refreshTimers(caseIds: [UUID]?, _ timers: @escaping @Sendable (CaseState) -> [DueTimer]) async throws -> Int {
        try await store.refreshTimers(caseIds: caseIds, timers)
    }
}

/// The state a change leaves, for deciding the next input without a store.
func state(_ change: PlanningChange, tasks: [TaskRecord]? = nil) -> CaseState? {
    change.upsertCase.map { CaseState(record: $0, tasks: tasks ?? change.upsertTasks, notices: change.upsertNotices) }
}

extension PlanningOutcome {
    var label: String {
        switch self {
        case .applied: "applied"
        case .alreadyApplied: "already-applied"
        case .ignored(let reason): "ignored:\(reason)"
        case .refused(let refusal): "refused:\(refusal.reason)"
        }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
