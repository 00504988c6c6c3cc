import Foundation
import NazorgRuntime

/// The dashboard for RCN staff: one self-refreshing HTML page, no scripts, no personal
/// data (the read model holds none). Every value is escaped, partner ids included.
public enum DashboardPage {
    /// Dutch labels of the task statuses.
    static let statusLabels: [String: String] = [
        "assigned": "Toegewezen", "accepted": "Geaccepteerd", "rejected": "Afgewezen", "completed": "Afgerond",
        "awaiting-consent": "Wacht op toestemming", "offered": "Aangeboden", "undeliverable": "Niet af te leveren",
    ]

    /// Dutch labels of the escalation reasons.
    static let reasonLabels: [String: String] = [
        "task-rejected": "Taak afgewezen", "deadline-missed": "Termijn verstreken", "unannounced-release": "Onaangekondigd ontslag",
        "no-partner": "Geen partner", "awaiting-consent": "Wacht op toestemming",
        "delivery-failed": "Niet afgeleverd (geweigerd of dead letter)", "disclosure-denied": "Geen beleid voor verstrekking",
        "possible-data-breach": "Mogelijk datalek", "not-accepted": "Niet geaccepteerd binnen reactietermijn",
        "plan-missing": "Geen D&R-plan binnen tien werkdagen", "release-day-open": "Ontslagdag met open basisvoorwaarden",
        "first-contact-missed": "Geen eerste gesprek na ontslag", "consent-timeout": "Te lang wachten op toestemming",
        "hot-potato": "Hete aardappel (taak doorgeschoven)", "unknown": "Onbekend",
    ]

    public static func render(_ summary: MonitoringSummary, generatedAt: Date) -> String {
        let statuses = MonitoringSummary.taskStatuses
        var html = """
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="5">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Nazorg monitor</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
            .cijfers { display: flex; gap: 2rem; }
            .cijfer { border: 1px solid #ccc; border-radius: 6px; padding: 1rem 1.5rem; }
            .cijfer strong { display: block; font-size: 2rem; }
            table { border-collapse: collapse; margin: 1rem 0 2rem; }
            th, td { border: 1px solid #ccc; padding: .3rem .8rem; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            </style>
            </head>
            <body>
            <h1>Nazorg monitor</h1>
            <p>Bijgewerkt: <time datetime="\(escape(timestamp(generatedAt)))">\(escape(timestamp(generatedAt)))</time>. \
            De pagina ververst elke 5 seconden.</p>
            <section class="cijfers">
            \(figure("Meldingen", summary.notices, id: "notices"))
            \(figure("Open casussen", summary.openCases, id: "open-cases"))
            \(figure("Escalaties", summary.escalations, id: "escalations"))
            \(figure("Open escalaties", summary.openEscalations, id: "open-escalations"))
            \(figure("Opgeloste escalaties", summary.resolvedEscalations, id: "resolved-escalations"))
            </section>

            """

        html += "<h2>Meldingen per soort</h2>\n<table id=\"notices-by-type\">\n<tr><th>Soort</th><th>Aantal</th></tr>\n"
        for type in MonitoringSummary.noticeTypes {
            html += "<tr><td>\(escape(type.rawValue))</td><td>\(summary.noticesByType[type.rawValue] ?? 0)</td></tr>\n"
        }
        html += "</table>\n"

        html += "<h2>Escalaties per reden</h2>\n<table id=\"escalations-by-reason\">\n<tr><th>Reden</th><th>Aantal</th></tr>\n"
        for reason in MonitoringSummary.escalationReasons {
            html += "<tr><td>\(escape(reasonLabels[reason] ?? reason))</td><td>\(summary.escalationsByReason[reason] ?? 0)</td></tr>\n"
        }
        html += "</table>\n"

        html += "<h2>Taken per status</h2>\n<table id=\"tasks-by-status\">\n<tr><th>Status</th><th>Aantal</th></tr>\n"
        for status in statuses {
            html += "<tr><td>\(escape(statusLabels[status] ?? status))</td><td>\(summary.tasksByStatus[status] ?? 0)</td></tr>\n"
        }
        html += "</table>\n"

        html += "<h2>Taken per partner</h2>\n<table id=\"tasks-by-partner\">\n<tr><th>Partner</th>"
        for status in statuses { html += "<th>\(escape(statusLabels[status] ?? status))</th>" }
        html += "<th>Totaal</th></tr>\n"
        if summary.tasksByPartner.isEmpty {
            html += "<tr><td colspan=\"\(statuses.count + 2)\">Nog geen taken.</td></tr>\n"
        }
        for (partner, counts) in summary.tasksByPartner.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td>\(escape(partner))</td>"
            for status in statuses { html += "<td>\(counts[status] ?? 0)</td>" }
            html += "<td>\(counts.values.reduce(0, +))</td></tr>\n"
        }
        html += "</table>\n</body>\n</html>\n"
        return html
    }

    private static func figure(_ label: String, _ value: Int, id: String) -> String {
        "<div class=\"cijfer\" id=\"\(escape(id))\"><strong>\(value)</strong>\(escape(label))</div>"
    }

    /// Escapes text for HTML element content and quoted attribute values.
    public static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
