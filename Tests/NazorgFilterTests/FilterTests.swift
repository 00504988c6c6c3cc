import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let logger = filterTestLogger
private let root = filterRoot
private let subject = testSubject
private typealias Harness = FilterHarness

private func task(_ domain: Domain, partner: String, role: PartnerRole) -> TaskAssigned {
    var task = makeTask(domain, partner: partner, role: role)
    task.caseId = UUID()
    return task
}

@Suite("Consent and purpose filter", .serialized)
struct FilterTests {
    @Test func policiesLoadAndInvalidOnesAreRefused() throws {
        let set = try PolicySet.load(directory: root.appendingPathComponent("Contracts/policies").path)
        let housing = try #require(set.policy(for: .housingCorporation))
        #expect(housing.needsConsent)
        #expect(!housing.fields.contains(.bsn))
        #expect(set.policy(for: .civilAffairs)?.fields.contains(.bsn) == true)
        #expect(throws: ConfigurationError.self) {
            try PolicySet.parse(yaml: "role: probation\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: [TaskOffered, TaskCancelled, TaskRetracted]\nfields: [offence]", name: "t")
        }
        #expect(throws: ConfigurationError.self) {
            try PolicySet.parse(yaml: "role: nobody\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: []\nfields: []", name: "t")
        }
    }

    @Test func consentBasedTaskWaitsForConsentThenIsDisclosedMinimisedAndLogged() async throws {
        let h = try Harness()
        let housing = task(.housing, partner: "woon-test", role: .housingCorporation)
        try await h.deliver(housing, id: "assigned-housing")
        #expect(try await h.store.parkedCount() == 1)
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .housing, givenAt: Date()), id: "consent-1")
        #expect(try await h.store.parkedCount() == 0)

        let offers = try await h.read(Topics.partnerTasks("woon-test"), atLeast: 1)
        #expect(offers.count == 1)
        let offerRecord = try #require(offers.first)
        let text = String(decoding: offerRecord.value, as: UTF8.self)
        #expect(!text.contains("999990019"))
        let offer = try ReceivedEvent(record: offerRecord).decode(TaskOffered.self)
        #expect(offer.subject.bsn == nil && offer.subject.birthDate == nil && offer.subject.prisonCode == nil)
        #expect(offer.subject.surname == "Testpersoon")
        #expect(offer.processingActivityId == "PA-NAZORG-02")
        // Nothing hub-wide reaches the partner topic: not the subject pseudonym, not the case id.
        #expect(offerRecord.key.map { String(decoding: $0, as: UTF8.self) } == testPartnerIDs.subject(subject, for: "woon-test"))
        #expect(offerRecord.headers.text(CloudEventHeader.subject) == nil)
        #expect(!offerRecord.headers.contains { $0.key.hasPrefix("nazorg_") })
        #expect(!text.contains(subject) && !text.contains(housing.caseId.uuidString.lowercased()))

        // The wait was logged as a refusal, the offer as a disclosure.
        let log = try await h.partnerLog(atLeast: 2).map { try ReceivedEvent(record: $0).decode(DisclosureLogged.self) }
        #expect(log.map(\.status) == [.refused, .disclosed])
        let logged = try #require(log.last)
        #expect(logged.receiverId == "woon-test")
        #expect(logged.legalBasis == .consent)
        #expect(logged.sourceEventId == "assigned-housing")
        #expect(!logged.disclosedFields.contains("subject.bsn"))
        #expect(logged.disclosedFields.contains("subject.surname"))
        await h.close()
    }

    /// Every kind of notice, variants included (remand without a date, an unannounced
    /// release, a withdrawal), decodes and becomes one pseudonymous observation on the
    /// monitoring feed; nothing about the person passes.
    @Test func everyNoticeKindBecomesAPseudonymousObservation() async throws {
        let h = try Harness()
        let directory = root.appendingPathComponent("Contracts/examples")
        var expected: [EventType] = []
        var municipalities: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
            guard let type = EventType(rawValue: String(file.prefix { $0 != "-" })), type.isIntakeNotice else { continue }
            let notice = try IntakeNotice.decode(from: try Data(contentsOf: directory.appendingPathComponent(file)), eventType: type)
            try await h.deliver(notice.payload, id: "notice-\(file)")
            expected.append(type)
            municipalities.append(notice.municipality)
        }
        #expect(Set(expected) == Set(EventType.allCases.filter(\.isIntakeNotice)))
        let feed = try await h.read(Topics.monitoringFeed, atLeast: expected.count)
        let observed = try feed.map { try ReceivedEvent(record: $0).decode(FlowObserved.self) }
        #expect(observed.map(\.sourceEventType).sorted { $0.rawValue < $1.rawValue } == expected.sorted { $0.rawValue < $1.rawValue })
        #expect(observed.compactMap(\.municipality).sorted() == municipalities.sorted())
        for record in feed {
            let text = String(decoding: record.value, as: UTF8.self)
            #expect(!text.contains("999990019") && !text.contains("Testpersoon") && !text.contains("PI-TEST"))
        }
        await h.close()
    }

    @Test func publicTaskRoleGetsItsFieldsAtOnceAndUnknownRoleNothing() async throws {
        let h = try Harness()
        try await h.deliver(task(.id, partner: "id-test", role: .civilAffairs), id: "assigned-id")
        try await h.deliver(task(.network, partner: "no-policy", role: .probation), id: "assigned-probation")
        let offers = try await h.read(Topics.partnerTasks("id-test"), atLeast: 1)
        let offer = try ReceivedEvent(record: try #require(offers.first)).decode(TaskOffered.self)
        #expect(offer.subject.bsn == "999990019")
        #expect(offer.subject.municipality == nil)  // not in the civil-affairs allow-list
        #expect(try await h.read(Topics.partnerTasks("no-policy"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    @Test func aConsentDatedInTheFarFutureDoesNotOutliveALaterWithdrawal() async throws {
        let h = try Harness()
        let farFuture = instant("2099-01-01T00:00:00Z")
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .debts, givenAt: farFuture), id: "consent-2099")
        try await h.deliver(ConsentWithdrawn(consentId: "c1", subjectId: subject, domain: .debts, withdrawnAt: Date()), id: "withdraw-now")
        try await h.deliver(task(.debts, partner: "schuld-test", role: .debtRelief), id: "assigned-debts")
        #expect(try await h.store.hasConsent(subjectId: subject, domain: .debts) == false)
        #expect(try await h.store.parkedCount() == 1)
        #expect(try await h.read(Topics.partnerTasks("schuld-test"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    @Test func debtReliefGetsTheDeadlineByMonthSoTheReleaseDateCannotBeComputed() async throws {
        let h = try Harness()
        var debts = task(.debts, partner: "schuld-test", role: .debtRelief)
        let release = try #require(CalendarDate(year: 2027, month: 3, day: 15))
        debts.expectedReleaseDate = release
        debts.deadline = try release.adding(days: 28)
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .debts, givenAt: Date()), id: "consent-debts")
        try await h.deliver(debts, id: "assigned-debts")
        let record = try #require(try await h.read(Topics.partnerTasks("schuld-test"), atLeast: 1).first)
        let offer = try ReceivedEvent(record: record).decode(TaskOffered.self)
        #expect(offer.deadline == CalendarDate(year: 2027, month: 4, day: 1))
        #expect(offer.deadlinePrecision == .month)
        let text = String(decoding: record.value, as: UTF8.self)
        #expect(!text.contains("2027-03-15") && !text.contains("2027-04-12"))
        await h.close()
    }

    @Test func aTaskThatWaitsPastTheGracePeriodOrIsDeniedIsReportedToPlanning() async throws {
        let h = try Harness()
        try await h.deliver(task(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing")
        try await h.deliver(task(.network, partner: "no-policy", role: .probation), id: "assigned-probation")
        // Within the grace period nothing is reported about the waiting task; past it, once.
        #expect(try await h.engine.reportLongWaits(parkedBefore: Date().addingTimeInterval(-60)) == 0)
        #expect(try await h.engine.reportLongWaits(parkedBefore: Date().addingTimeInterval(1)) == 1)
        #expect(try await h.engine.reportLongWaits(parkedBefore: Date().addingTimeInterval(1)) == 0)
        let reports = try await h.read(Topics.partnerStatus, atLeast: 2)
        let statuses = try reports.map { try ReceivedEvent(record: $0).decode(TaskStatusChanged.self) }
        #expect(Set(statuses.map(\.status)) == [.awaitingConsent, .undeliverable])
        #expect(statuses.first { $0.status == .undeliverable }?.reason == HubReason.noPolicy)
        // Keyed by task, naming no person: planning resolves whose task it is.
        #expect(Set(reports.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == ["task-housing", "task-network"])
        #expect(statuses.allSatisfy { $0.subjectId == nil && $0.caseId == nil })

        // When the consent comes after all, the task is disclosed and planning hears it was offered.
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .housing, givenAt: Date()), id: "consent-late")
        #expect(try await h.read(Topics.partnerTasks("woon-test"), atLeast: 1).count == 1)
        let after = try await h.read(Topics.partnerStatus, atLeast: 3)
        #expect(try after.map { try ReceivedEvent(record: $0).decode(TaskStatusChanged.self).status }.contains(.offered))
        await h.close()
    }

    @Test func aWaitReportAndAConsentThatCrossAreDecidedByOneWriter() async throws {
        let store = try FilterStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("filter-\(UUID().uuidString).sqlite").path)
        let housing = task(.housing, partner: "woon-test", role: .housingCorporation)
        // Consent first: the sweep that read the task before may no longer report it.
        try await store.park(ParkedTask(sourceEventId: "a", task: housing, traceparent: TraceParent.random().description))
        #expect(try await store.release("a") == false)
        #expect(try await store.claimForReport("a") == false)
        #expect(try await store.unreportedParked(parkedBefore: Date().addingTimeInterval(1)).isEmpty)
        // Report first: the consent sees the claim, so planning hears `offered` after it.
        try await store.park(ParkedTask(sourceEventId: "b", task: housing, traceparent: TraceParent.random().description))
        #expect(try await store.claimForReport("b"))
        #expect(try await store.claimForReport("b") == false)
        #expect(try await store.release("b"))
        // A claim given back after a failed report is claimed again by the next sweep.
        try await store.park(ParkedTask(sourceEventId: "c", task: housing, traceparent: TraceParent.random().description))
        #expect(try await store.claimForReport("c"))
        try await store.unclaimReport("c")
        #expect(try await store.unreportedParked(parkedBefore: Date().addingTimeInterval(1)).map(\.sourceEventId) == ["c"])
    }

    @Test func partnersGetKeysAndTracesOfTheirOwnLinkedOnlyInTheDisclosureLog() async throws {
        let h = try Harness()
        let trace = TraceParent.random()
        var social = task(.income, partner: "id-test", role: .civilAffairs)
        social.taskId = "task-a"
        var coordinator = task(.id, partner: "woon-test", role: .municipalityCoordinator)
        coordinator.taskId = "task-b"
        try await h.deliver(social, id: "assigned-a", trace: trace)
        try await h.deliver(coordinator, id: "assigned-b", trace: trace)
        let a = try #require(try await h.read(Topics.partnerTasks("id-test"), atLeast: 1).first)
        let b = try #require(try await h.read(Topics.partnerTasks("woon-test"), atLeast: 1).first)
        let traceA = try #require(a.headers.text(CloudEventHeader.traceparent).flatMap(TraceParent.init))
        let traceB = try #require(b.headers.text(CloudEventHeader.traceparent).flatMap(TraceParent.init))
        #expect(traceA.traceID != trace.traceID && traceB.traceID != trace.traceID && traceA.traceID != traceB.traceID)
        #expect(a.key != b.key)
        let log = try await h.partnerLog(atLeast: 2)
        let logged = try log.map { try ReceivedEvent(record: $0).decode(DisclosureLogged.self) }
        #expect(Set(logged.compactMap(\.partnerTraceId)) == [traceA.traceID, traceB.traceID])
        #expect(logged.allSatisfy { $0.traceId == trace.traceID })
        await h.close()
    }

    @Test func everyPolicyGivesTheDeadlineToTheDayOnlyWithTheReleaseDate() throws {
        let set = try PolicySet.load(directory: root.appendingPathComponent("Contracts/policies").path)
        for policy in set.policies.values where !policy.fields.contains(.expectedReleaseDate) {
            #expect(policy.deadline != .day, "\(policy.role.rawValue) could compute the release date from the deadline")
        }
        #expect(set.policy(for: .debtRelief)?.deadline == .month)
        #expect(throws: ConfigurationError.self) {
            try PolicySet.parse(yaml: "role: debt-relief\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: [TaskOffered, TaskCancelled, TaskRetracted]\nfields: [bsn]\ndeadline: day", name: "t")
        }
        #expect(throws: ConfigurationError.self) {
            try PolicySet.parse(yaml: "role: debt-relief\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: [TaskOffered, TaskCancelled, TaskRetracted]\nfields: [bsn]\ndeadline: hour", name: "t")
        }
        let omitted = try PolicySet.parse(yaml: "role: debt-relief\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: [TaskOffered, TaskCancelled, TaskRetracted]\nfields: [bsn]", name: "t")
        #expect(omitted.deadline == nil)
    }

    @Test func withdrawnConsentStopsFurtherDisclosure() async throws {
        let h = try Harness()
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .housing, givenAt: Date()), id: "consent-1")
        try await h.deliver(ConsentWithdrawn(consentId: "c1", subjectId: subject, domain: .housing, withdrawnAt: Date()), id: "withdraw-1")
        try await h.deliver(task(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing")
        #expect(try await h.store.parkedCount() == 1)
        #expect(try await h.read(Topics.partnerTasks("woon-test"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    /// The consumer service writes a batch's disclosure-log records first and its partner
    /// records only once every log record was acknowledged: while the log topic refuses
    /// writes, not one of 30 tasks reaches the partner; once it takes them, all 30 do, each
    /// with its log record.
    @Test func aBatchDisclosesNothingUntilEveryLogRecordIsAcknowledged() async throws {
        let h = try Harness(producerProperties: ["topic.metadata.propagation.max.ms": "200",
                                                 "topic.metadata.refresh.interval.ms": "500"])
        for i in 0..<30 {
            var assigned = task(.id, partner: "id-test", role: .civilAffairs)
            assigned.taskId = "task-\(i)"
            let record = try h.publisher.record(assigned, topic: Topics.planningCaseEvents, key: subject, id: "assigned-\(i)",
                                                subject: subject, trace: .random())
            try await h.producer.send(record)
        }
        // The log topic answers as if it did not exist: every write to it fails (retriably).
        try h.cluster.setTopicError(Topics.filterDisclosures, 3)
        MetricsBootstrap.bootstrap()
        let metric = { @Sendable (name: String, labels: [String: String]) in
            MetricsExposition(String(decoding: MetricsBootstrap.exposition(), as: UTF8.self)).value(name, labels) ?? 0
        }
        let disclosedBefore = metric("nazorg_filter_records_disclosed", ["partner": "id-test", "legal_basis": "public-task"])
        let recorder = LogRecorder()
        let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(h.cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "filter-batch", topics: [Topics.planningCaseEvents]),
                                         logger: logger)
        let service = EventConsumerService(name: "filter", consumer: consumer,
                                           deadLetters: DeadLetterWriter(producer: h.producer, service: "filter"),
                                           logger: recorder.logger("filter"), handler: h.engine)
        try await withServices([service]) {
            try await waitUntil("the filter retried its log writes") { recorder.count("batch output not written; retrying") >= 2 }
            #expect(try await h.read(Topics.partnerTasks("id-test"), atLeast: 0, timeout: .seconds(3)).isEmpty)
            try h.cluster.setTopicError(Topics.filterDisclosures, 0)
            let offers = try await h.read(Topics.partnerTasks("id-test"), atLeast: 30)
            let logged = try await h.partnerLog(atLeast: 30)
            let offered = try Set(offers.map { try TaskOffered.decodedJSON(Data($0.value)).taskId })
            let disclosed = try Set(logged.map { try DisclosureLogged.decodedJSON(Data($0.value)).sourceEventId })
            #expect(offered == Set((0..<30).map { "task-\($0)" }))
            #expect(disclosed == Set((0..<30).map { "assigned-\($0)" }))
            // Counted once written, and the refused log writes as failures.
            try await waitUntil("the disclosures are counted") {
                metric("nazorg_filter_records_disclosed", ["partner": "id-test", "legal_basis": "public-task"]) - disclosedBefore == 30
            }
            #expect(metric("nazorg_filter_disclosure_log_failures", ["reason": "kafka-retriable"]) >= 2)
        }
        #expect(try await h.read(Topics.deadLetter, atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    @Test func failedDisclosureLogMeansNoDisclosure() async throws {
        let h = try Harness()
        // The next Produce request (the disclosure-log record) is refused as unauthorised.
        h.cluster.pushRequestErrors(apiKey: 0, errors: [29])
        let id = task(.id, partner: "id-test", role: .civilAffairs)
        await #expect(throws: (any Error).self) { try await h.deliver(id, id: "assigned-id") }
        #expect(try await h.read(Topics.partnerTasks("id-test"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        // Redelivered, it goes through, with the same disclosure id.
        try await h.deliver(id, id: "assigned-id")
        let offers = try await h.read(Topics.partnerTasks("id-test"), atLeast: 1)
        #expect(offers.count == 1)
        await h.close()
    }
}
