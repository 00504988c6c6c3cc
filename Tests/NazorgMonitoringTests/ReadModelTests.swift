import Foundation
import NazorgContracts
import NazorgMonitoring
import NazorgTestSupport
import Testing

/// Observations as the filter would write them; ids and times are synthetic.
enum Feed {
    static let caseId = UUID(uuidString: "6f1c2a8e-0000-4000-8000-000000000001")!
    static let subject = "0123456789abcdef0123456789abcdef"

    static func at(_ second: Int) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + Double(second)) }

    static func notice(_ id: String, _ type: EventType, _ second: Int = 0) -> FlowObserved {
        FlowObserved(observationId: id, sourceEventType: type, subjectId: subject, municipality: "0363", occurredAt: at(second))
    }

    static func opened(_ id: String, _ second: Int = 1) -> FlowObserved {
        FlowObserved(observationId: id, sourceEventType: .caseOpened, subjectId: subject, caseId: caseId, occurredAt: at(second))
    }

    static func closed(_ id: String, _ second: Int = 50) -> FlowObserved {
        FlowObserved(observationId: id, sourceEventType: .caseClosed, subjectId: subject, caseId: caseId, occurredAt: at(second))
    }

    static func assigned(_ id: String, task: String, partner: String, _ second: Int = 2) -> FlowObserved {
        FlowObserved(observationId: id, sourceEventType: .taskAssigned, subjectId: subject, caseId: caseId, taskId: task,
                     domain: .housing, partnerId: partner, occurredAt: at(second))
    }

    static func status(_ id: String, task: String, partner: String, _ status: TaskStatus, _ second: Int) -> FlowObserved {
        FlowObserved(observationId: id, sourceEventType: .taskStatusChanged, subjectId: subject, caseId: caseId, taskId: task,
                     domain: .housing, partnerId: partner, status: status, occurredAt: at(second))
    }

    static func escalation(_ id: String, _ second: Int = 30, reason: EscalationRaised.Reason? = nil) -> FlowObserved {
        FlowObserved(observationId: id, sourceEventType: .escalationRaised, subjectId: subject, caseId: caseId, reason: reason,
                     occurredAt: at(second))
    }

    /// Every status (or reason) at zero, with the given counts on top.
    static func counts(_ keys: [String], _ given: [String: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, given[$0] ?? 0) })
    }

    /// 2 notices, 1 open case, 3 tasks over two partners (assigned, accepted, rejected).
    static let standard: [FlowObserved] = [
        notice("n-1", .detentionStarted), notice("n-2", .releaseScheduled, 1), opened("c-1"),
        assigned("a-1", task: "t-1", partner: "test-woningcorporatie"),
        assigned("a-2", task: "t-2", partner: "test-woningcorporatie"),
        assigned("a-3", task: "t-3", partner: "test-schuldhulp"),
        status("s-2", task: "t-2", partner: "test-woningcorporatie", .accepted, 10),
        status("s-3", task: "t-3", partner: "test-schuldhulp", .rejected, 11),
    ]

    static let standardSummary = MonitoringSummary(
        notices: 2,
        noticesByType: Dictionary(uniqueKeysWithValues: MonitoringSummary.noticeTypes.map {
            ($0.rawValue, $0 == .detentionStarted || $0 == .releaseScheduled ? 1 : 0)
        }),
        openCases: 1, escalations: 0, escalationsByReason: counts(MonitoringSummary.escalationReasons, [:]),
        tasksByStatus: counts(MonitoringSummary.taskStatuses, ["assigned": 1, "accepted": 1, "rejected": 1]),
        tasksByPartner: [
            "test-woningcorporatie": counts(MonitoringSummary.taskStatuses, ["assigned": 1, "accepted": 1]),
            "test-schuldhulp": counts(MonitoringSummary.taskStatuses, ["rejected": 1]),
        ])
}

struct ReadModelTests {
    func summary(after observations: [FlowObserved]) async throws -> MonitoringSummary {
        let store = try SQLiteMonitoringStore(path: nil)
        for observation in observations { try await store.apply(observation) }
        return try await store.summary()
    }

    @Test func countsNoticesCasesAndTasks() async throws {
        #expect(try await summary(after: Feed.standard) == Feed.standardSummary)
    }

    @Test func arrivalOrderDoesNotChangeTheResult() async throws {
        #expect(try await summary(after: Feed.standard.reversed()) == Feed.standardSummary)
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<5 {
            #expect(try await summary(after: Feed.standard.shuffled(using: &generator)) == Feed.standardSummary)
        }
    }

    @Test func escalationsAreCountedByReasonSoNoTaskDisappearsInSilence() async throws {
        let feed = Feed.standard + [
            Feed.escalation("e-1", reason: .awaitingConsent), Feed.escalation("e-2", reason: .deliveryFailed),
            Feed.escalation("e-3", reason: .deliveryFailed), Feed.escalation("e-4"),
            Feed.status("s-4", task: "t-1", partner: "test-woningcorporatie", .undeliverable, 12),
        ]
        let summary = try await summary(after: feed)
        #expect(summary.escalations == 4)
        #expect(summary.escalationsByReason == Feed.counts(MonitoringSummary.escalationReasons,
                                                           ["awaiting-consent": 1, "delivery-failed": 2, "unknown": 1]))
        #expect(summary.tasksByStatus["undeliverable"] == 1)
        let metrics = MetricsExposition(exposition(after: summary))
        #expect(metrics.value("nazorg_monitoring_escalations_by_reason_total", ["reason": "delivery-failed"]) == 2)
        let page = DashboardPage.render(summary, generatedAt: Date())
        #expect(page.contains("<tr><td>Niet afgeleverd (geweigerd of dead letter)</td><td>2</td></tr>"))
    }

    @Test func redeliveryIsAppliedOnce() async throws {
        let store = try SQLiteMonitoringStore(path: nil)
        for observation in Feed.standard { #expect(try await store.apply(observation)) }
        for observation in Feed.standard { #expect(try await store.apply(observation) == false) }
        #expect(try await store.summary() == Feed.standardSummary)
    }

    @Test func fileStoreAppliesABatchWithRepeatsOnceAndKeepsTheModelWhenReopened() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("monitoring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("monitoring.sqlite").path
        do {
            let store = try SQLiteMonitoringStore(path: path)
            #expect(try await store.apply(Feed.standard + Feed.standard.reversed()) == Feed.standard.count)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
        let reopened = try SQLiteMonitoringStore(path: path)
        #expect(try await reopened.apply(Feed.standard) == 0)
        #expect(try await reopened.summary() == Feed.standardSummary)
    }

    @Test func statusBeforeAssignmentKeepsTheStatusAndTheAssignedPartner() async throws {
        let result = try await summary(after: [
            Feed.status("s-1", task: "t-1", partner: "test-schuldhulp", .accepted, 10),
            Feed.assigned("a-1", task: "t-1", partner: "test-schuldhulp", 2),
        ])
        #expect(result.tasksByStatus["accepted"] == 1)
        #expect(result.tasksByStatus["assigned"] == 0)
        #expect(result.tasksByPartner["test-schuldhulp"]?["accepted"] == 1)
    }

    @Test func latestStatusWinsWhateverArrivesFirst() async throws {
        let accepted = Feed.status("s-1", task: "t-1", partner: "p-a", .accepted, 10)
        let completed = Feed.status("s-2", task: "t-1", partner: "p-a", .completed, 20)
        #expect(try await summary(after: [completed, accepted]).tasksByStatus["completed"] == 1)
        #expect(try await summary(after: [accepted, completed]).tasksByStatus["completed"] == 1)
    }

    @Test func closedCaseIsNotOpenEvenWhenTheCloseArrivesFirst() async throws {
        #expect(try await summary(after: [Feed.closed("c-2"), Feed.opened("c-1")]).openCases == 0)
        #expect(try await summary(after: [Feed.opened("c-1"), Feed.closed("c-2")]).openCases == 0)
    }

    @Test func escalationsAreCounted() async throws {
        #expect(try await summary(after: [Feed.escalation("e-1"), Feed.escalation("e-2"), Feed.escalation("e-1")]).escalations == 2)
    }
}
