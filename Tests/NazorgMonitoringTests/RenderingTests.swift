import Foundation
import NazorgMonitoring
import NazorgTestSupport
import Prometheus
import Testing

struct RenderingTests {
    @Test func dashboardEscapesAndRefreshes() {
        var summary = Feed.standardSummary
        summary.tasksByPartner["<script>&\"x\""] = ["assigned": 1]
        let html = DashboardPage.render(summary, generatedAt: Date(timeIntervalSince1970: 0))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains(#"<meta http-equiv="refresh" content="5">"#))
        #expect(html.contains("&lt;script&gt;&amp;&quot;x&quot;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<td>test-schuldhulp</td>"))
    }

    /// A reason without a Dutch label would show its code to RCN staff.
    @Test func everyEscalationReasonHasADutchLabel() {
        let html = DashboardPage.render(Feed.standardSummary, generatedAt: Date(timeIntervalSince1970: 0))
        for reason in MonitoringSummary.escalationReasons {
            #expect(!html.contains("<td>\(reason)</td>"), "no Dutch label for \(reason)")
        }
    }

    @Test func metricsEscapeLabelValuesAndKeepTheirTypes() {
        var summary = Feed.standardSummary
        summary.tasksByPartner = ["we\"ird": ["assigned": 2]]
        let text = exposition(after: summary)
        #expect(text.contains(#"nazorg_monitoring_partner_tasks{partner="we\"ird",status="assigned"} 2.0"#))
        #expect(text.contains("# TYPE nazorg_monitoring_cases_open gauge\nnazorg_monitoring_cases_open 1.0\n"))
        #expect(text.contains("# TYPE nazorg_monitoring_notices_total counter\nnazorg_monitoring_notices_total 2\n"))
    }

    @Test func totalsMoveTheirCountersUpAndAReadModelStartedOverResetsThem() {
        var grown = Feed.standardSummary
        grown.notices = 5
        var rebuilt = Feed.standardSummary
        rebuilt.notices = 1
        #expect(exposition(after: Feed.standardSummary, grown).contains("\nnazorg_monitoring_notices_total 5\n"))
        #expect(exposition(after: Feed.standardSummary, grown, Feed.standardSummary).contains("\nnazorg_monitoring_notices_total 2\n"))
        #expect(exposition(after: grown, rebuilt).contains("\nnazorg_monitoring_notices_total 1\n"))
    }
}

/// The metrics monitoring exports after setting them from `summaries` in turn, in a registry of their own.
func exposition(after summaries: MonitoringSummary...) -> String {
    let registry = PrometheusCollectorRegistry()
    let metrics = MonitoringMetrics(factory: PrometheusMetricsFactory(registry: registry))
    for summary in summaries { metrics.update(from: summary) }
    return registry.emitToString()
}
