import Foundation
import NazorgContracts
import NazorgMonitoring
import NazorgTestSupport
import Testing

private func raised(_ observationId: String, _ escalationId: String?, _ reason: EscalationRaised.Reason, _ second: Int = 30)
    -> FlowObserved {
    FlowObserved(observationId: observationId, sourceEventType: .escalationRaised, subjectId: Feed.subject,
                 municipality: "GM0363", caseId: Feed.caseId, domain: .housing, partnerId: "p-1", reason: reason,
                 escalationId: escalationId, occurredAt: Feed.at(second))
}

private func updated(_ observationId: String, _ escalationId: String, _ status: EscalationUpdated.Status, _ second: Int = 40)
    -> FlowObserved {
    FlowObserved(observationId: observationId, sourceEventType: .escalationUpdated, subjectId: Feed.subject,
                 municipality: "GM0363", caseId: Feed.caseId, escalationId: escalationId, escalationStatus: status,
                 occurredAt: Feed.at(second))
}

struct EscalationStatusTests {
    /// Four escalations (one without its id), two acknowledged, two resolved, and the
    /// resolution of one not seen yet.
    static let feed: [FlowObserved] = [
        raised("r-1", "esc-1", .notAccepted), raised("r-2", "esc-2", .hotPotato), raised("r-3", "esc-3", .releaseDayOpen),
        raised("r-4", nil, .planMissing), updated("u-1", "esc-1", .acknowledged), updated("u-2", "esc-2", .acknowledged, 41),
        updated("u-3", "esc-2", .resolved, 42), updated("u-4", "esc-3", .resolved, 43), updated("u-5", "esc-9", .resolved),
    ]

    /// Open until resolved: an acknowledged escalation is still open, a resolution counts
    /// whether it arrives before or after the escalation, a redelivery changes nothing, and
    /// an escalation observed without its id stays open.
    @Test func escalationsAreOpenUntilResolvedWhateverTheArrivalOrder() async throws {
        var generator = SeededGenerator(seed: 8)
        for order in [Self.feed, Self.feed.reversed(), Self.feed.shuffled(using: &generator)] {
            let store = try SQLiteMonitoringStore(path: nil)
            #expect(try await store.apply(order) == Self.feed.count)
            #expect(try await store.apply(Self.feed) == 0)
            let summary = try await store.summary()
            #expect(summary.escalations == 4 && summary.openEscalations == 2 && summary.resolvedEscalations == 2)
            #expect(summary.escalationsByReason["hot-potato"] == 1 && summary.escalationsByReason["plan-missing"] == 1)
        }
        // The resolution of an escalation not seen yet counts once that escalation comes.
        let store = try SQLiteMonitoringStore(path: nil)
        try await store.apply(Self.feed)
        try await store.apply(raised("r-9", "esc-9", .consentTimeout))
        let summary = try await store.summary()
        #expect(summary.escalations == 5 && summary.openEscalations == 2 && summary.resolvedEscalations == 3)
    }

    /// The dashboard shows open and resolved escalations and a Dutch label for every reason,
    /// never a bare code; the summary API gives both counts.
    @Test func dashboardAndSummaryShowOpenAndResolvedWithDutchLabels() async throws {
        let store = try SQLiteMonitoringStore(path: nil)
        try await store.apply(Self.feed)
        let summary = try await store.summary()
        let page = DashboardPage.render(summary, generatedAt: Date())
        #expect(page.contains(#"id="open-escalations"><strong>2</strong>Open escalaties"#))
        #expect(page.contains(#"id="resolved-escalations"><strong>2</strong>Opgeloste escalaties"#))
        #expect(page.contains("<tr><td>Hete aardappel (taak doorgeschoven)</td><td>1</td></tr>"))
        for reason in MonitoringSummary.escalationReasons {
            #expect(!page.contains("<td>\(reason)</td>"), "no Dutch label for \(reason)")
        }
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any]
        #expect(json?["openEscalations"] as? Int == 2 && json?["resolvedEscalations"] as? Int == 2)
    }
}
