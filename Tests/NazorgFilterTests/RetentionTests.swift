import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let schedulePath = filterRoot.appendingPathComponent("Contracts/retention/retention.yaml").path
private let otherSubject = String(repeating: "5c", count: 16)
private let otherCase = UUID(uuidString: "3d1c7e0a-2b4f-4a6e-8c9d-0e1f2a3b4c5d")!

private func started(_ subject: String, noticeId: String) -> DetentionStarted {
    DetentionStarted(noticeId: noticeId, subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST", person: testPerson,
                     reportedAt: Date(), detentionType: .sentence, detentionStartDate: CalendarDate(year: 2027, month: 1, day: 4)!)
}

private func opened(_ subject: String, _ caseId: UUID) -> CaseOpened {
    CaseOpened(caseId: caseId, subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST", person: testPerson,
               sourceNoticeId: "n-\(subject.prefix(4))", openedAt: Date())
}

/// Person one: a notice, consent, a task offered on it, a case opened and closed. Person two:
/// a notice and a case still open.
private func twoPeople() async throws -> FilterHarness {
    let h = try FilterHarness()
    try await h.deliver(started(testSubject, noticeId: "n-one"), id: "notice-one")
    try await h.deliver(ConsentGiven(consentId: "c-housing", subjectId: testSubject, domain: .housing, givenAt: Date()),
                        id: "consent-one")
    try await h.deliver(opened(testSubject, testCase), id: "opened-one")
    try await h.deliver(makeTask(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-one")
    try await h.deliver(makeTask(.debts, partner: "schuld-test", role: .debtRelief), id: "parked-one")
    try await h.deliver(CaseClosed(caseId: testCase, subjectId: testSubject, municipality: "GM0363", reason: .aftercarePeriodEnded,
                                   coverage: [], closedAt: Date()), id: "closed-one")
    try await h.deliver(started(otherSubject, noticeId: "n-two"), id: "notice-two", subject: otherSubject)
    try await h.deliver(opened(otherSubject, otherCase), id: "opened-two", subject: otherSubject)
    #expect(try await h.partnerRecords("woon-test", atLeast: 1).count == 1)
    return h
}

private let retention = try! FilterRetention(schedule: RetentionSchedule(contentsOf: schedulePath))

@Suite("Retention of the filter's store", .serialized)
struct RetentionTests {
    /// Six months after a person's last case closed, every row about them goes (consent,
    /// parked task, what was sent, the scopes of their notices), and their subject access
    /// report with it; a person with an open case keeps everything. Handled event ids go after
    /// their own period. The purge logs counts only.
    @Test func aPersonsStateGoesWhenTheirPeriodRunsOutAndNotBefore() async throws {
        let h = try await twoPeople()
        let before = try await h.store.rowCounts(subjectId: testSubject)
        for table in ["consent", "parked_task", "disclosure", "subject_scope", "subject_case", "subject_seen"] {
            #expect(before[table] ?? 0 > 0, "\(table) holds the person before the purge")
        }
        let keys = try SubjectKeyStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("retention-keys-\(UUID().uuidString).sqlite").path)
        let (testKid, _) = try keys.sealingKey(subjectId: testSubject, scope: "hub")
        let (otherKid, _) = try keys.sealingKey(subjectId: otherSubject, scope: "hub")
        let recorder = LogRecorder()
        func purger(after interval: TimeInterval) -> RetentionPurger {
            RetentionPurger(store: h.store, keys: keys, retention: retention, interval: .seconds(60),
                            logger: recorder.logger("retention"), now: { Date().addingTimeInterval(interval) })
        }
        // A day after the close: the period has not run out.
        #expect(try await purger(after: 86_400).purge().subjects == 0)
        #expect(try await h.store.rowCounts(subjectId: testSubject) == before)

        // 200 days after: the first person is gone, the second, whose case is open, is not.
        let purged = try await purger(after: 200 * 86_400).purge()
        #expect(purged.subjects == 1)
        #expect(try await h.store.rowCounts(subjectId: testSubject).values.allSatisfy { $0 == 0 })
        #expect(try await h.store.scopes(subjectId: otherSubject).isEmpty == false)
        // Their data keys went with them: every sealed copy on a topic is unreadable now.
        let lookups = try keys.lookup([testKid, otherKid])
        guard case .erased = lookups[testKid], case .key = lookups[otherKid] else {
            Issue.record("the expired person's key was not erased, or the other's was"); return
        }
        #expect(try await h.store.parked(subjectId: testSubject, domain: .debts).isEmpty)
        #expect(try await !h.store.hasConsent(subjectId: testSubject, domain: .housing))
        // The handled ids are past their 45 days too: a redelivery would be decided anew.
        #expect(purged.events >= 8)
        #expect(try await !h.store.isProcessed("assigned-one"))
        // Nothing more the next time.
        #expect(try await purger(after: 200 * 86_400).purge().subjects == 0)
        #expect(recorder.count("retention applied to the filter's store") == 1)
        #expect(recorder.text.allSatisfy { !$0.contains(testSubject) && !$0.contains(otherSubject) })
        await h.close()
    }

    /// A person the filter hears of again (a new notice) starts over: the period counts from
    /// the last thing heard, and a new case keeps them while it is open.
    @Test func aNewNoticeOrCaseKeepsThePerson() async throws {
        let h = try await twoPeople()
        let store = h.store
        // Close the second person's case; then a new notice arrives "later" (now), so a purge
        // 200 days from the close but less from the notice keeps them.
        try await h.deliver(CaseClosed(caseId: otherCase, subjectId: otherSubject, municipality: "GM0363",
                                       reason: .tasksCompleted, coverage: [], closedAt: Date()), id: "closed-two", subject: otherSubject)
        #expect(try await store.expiredSubjects(cutoff: Date().addingTimeInterval(1)).sorted() == [otherSubject, testSubject].sorted())
        try await h.deliver(opened(otherSubject, UUID()), id: "opened-two-again", subject: otherSubject)
        #expect(try await store.expiredSubjects(cutoff: Date().addingTimeInterval(1)) == [testSubject])
        await h.close()
    }

    @Test func theScheduleIsCheckedAndAppliedToTopics() throws {
        let schedule = try RetentionSchedule(contentsOf: schedulePath)
        #expect(schedule.retention(ofTopic: Topics.filterDisclosures)?.days == 730)
        #expect(schedule.retention(ofTopic: Topics.partnerTasks("woon-test"))?.days == 30)
        #expect(try schedule.store("filter", "subject-state").period.days == 180)
        // Handled ids must outlive every topic the filter reads, or a redelivery would be decided twice.
        let kept = try schedule.store("filter", "processed-events").period.days
        for topic in [Topics.planningCaseEvents, Topics.consentEvents, Topics.intakeNotices] {
            #expect(kept > schedule.retention(ofTopic: topic)?.days ?? .max, "\(topic)")
        }
        let specs = TopicCatalogue.specifications(partners: try PartnerDirectory(yaml: """
            partners:
              - {id: woon-test, name: Woon Test, role: housing-corporation, domains: [housing], municipalities: ["*"]}
            """), replicationFactor: 3, retention: schedule)
        #expect(specs.allSatisfy { $0.settings["retention.ms"].flatMap(Int64.init) ?? 0 > 0 })
        #expect(specs.first { $0.name == Topics.monitoringFeed }?.settings["retention.ms"] == String(Int64(3 * 365) * 86_400_000))
        for broken in ["P30", "30D", "P0D", "PT30M", "P1W", ""] {
            #expect(throws: ConfigurationError.self, "\(broken)") { try RetentionSchedule.Period(broken) }
        }
        let text = try String(contentsOfFile: schedulePath, encoding: .utf8)
        #expect(throws: ConfigurationError.self) {
            try RetentionSchedule(yaml: text.replacingOccurrences(of: "  nazorg.deadletter.v1: {retention: P14D}\n", with: ""))
        }
        #expect(throws: ConfigurationError.self) { try RetentionSchedule(yaml: text.replacingOccurrences(of: "topics:\n", with: "topics:\n  nazorg.unknown.v1: {retention: P1D}\n")) }
        #expect(throws: ConfigurationError.self) {
            try FilterRetention(schedule: RetentionSchedule(yaml: text.replacingOccurrences(of: "subject-state", with: "state")))
        }
    }
}
