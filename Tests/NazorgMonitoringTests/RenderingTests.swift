import Foundation
import NazorgMonitoring
import NazorgTestSupport
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

    @Test func metricsEscapeLabelValues() {
        #expect(MetricsText.escapeLabel("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        var summary = Feed.standardSummary
        summary.tasksByPartner = ["we\"ird": ["assigned": 2]]
        let text = MetricsText.render(summary)
        #expect(text.contains(#"nazorg_monitoring_partner_tasks{partner="we\"ird",status="assigned"} 2"#))
        #expect(text.contains("# TYPE nazorg_monitoring_cases_open gauge\nnazorg_monitoring_cases_open 1\n"))
    }
}
