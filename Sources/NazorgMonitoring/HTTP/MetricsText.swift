/// The read model in the Prometheus text exposition format 0.0.4.
///
/// Names follow the OpenTelemetry style of the hub with dots mapped to underscores
/// (`nazorg.monitoring.cases.open` becomes `nazorg_monitoring_cases_open`).
public enum MetricsText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ summary: MonitoringSummary) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: Int) {
            let rendered = labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",")
            out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(rendered)} \(value)\n"
        }

        family("nazorg_monitoring_notices_total", "counter", "Intake notices observed.")
        sample("nazorg_monitoring_notices_total", [], summary.notices)
        family("nazorg_monitoring_notices_by_type_total", "counter", "Intake notices observed, per notice type.")
        for type in MonitoringSummary.noticeTypes {
            sample("nazorg_monitoring_notices_by_type_total", [("type", type.rawValue)], summary.noticesByType[type.rawValue] ?? 0)
        }
        family("nazorg_monitoring_cases_open", "gauge", "Cases opened and not closed.")
        sample("nazorg_monitoring_cases_open", [], summary.openCases)
        family("nazorg_monitoring_escalations_total", "counter", "Escalations raised.")
        sample("nazorg_monitoring_escalations_total", [], summary.escalations)
        family("nazorg_monitoring_escalations_by_reason_total", "counter",
               "Escalations raised, per reason (tasks waiting for consent, undeliverable, denied, rejected, ...).")
        for reason in MonitoringSummary.escalationReasons {
            sample("nazorg_monitoring_escalations_by_reason_total", [("reason", reason)], summary.escalationsByReason[reason] ?? 0)
        }
        family("nazorg_monitoring_tasks", "gauge", "Tasks by latest status.")
        for status in MonitoringSummary.taskStatuses {
            sample("nazorg_monitoring_tasks", [("status", status)], summary.tasksByStatus[status] ?? 0)
        }
        family("nazorg_monitoring_partner_tasks", "gauge", "Tasks per partner by latest status.")
        for (partner, counts) in summary.tasksByPartner.sorted(by: { $0.key < $1.key }) {
            for status in MonitoringSummary.taskStatuses {
                sample("nazorg_monitoring_partner_tasks", [("partner", partner), ("status", status)], counts[status] ?? 0)
            }
        }
        return out
    }

    /// Label values escape backslash, double quote and line feed, as the format requires.
    public static func escapeLabel(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
