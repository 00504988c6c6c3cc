import Foundation
import NazorgContracts

/// The case list with its filters (a GET form, so a filtered list is a link).
enum CaseListPage {
    static func render(_ cases: [CaseSummary], query: CaseQuery, policy: CoordinatorPolicy, session: CoordinatorSessions.Session,
                       flash: CoordinatorSessions.Flash?) -> String {
        var body = "<h1>Casussen</h1>\n" + filterForm(query) + "\n"
        if cases.isEmpty {
            body += "<p id=\"geen-casussen\">Geen casussen met deze filters.</p>\n"
            return PageHTML.page(title: "Casussen", session: session, flash: flash, body: body)
        }
        body += """
            <table id="casussen">
            <tr><th>Persoon</th><th>Gemeente</th><th>Status</th><th>Verwachte ontslagdatum</th><th>Ontslagen op</th>\
            <th>Open basisvoorwaarden</th><th>Open taken</th><th>Open escalaties</th><th>Medewerking</th></tr>

            """
        for summary in cases {
            let shown = CaseJSON(summary, policy: policy)
            body += """
                <tr data-case="\(summary.caseId.uuidString.lowercased())">\
                <td>\(PageHTML.caseLink(summary.caseId, PageHTML.person(shown.person)))</td>\
                <td>\(PageHTML.escape(summary.municipality))</td>\
                <td>\(PageHTML.escape(DutchLabels.caseStatus(summary.status.rawValue)))</td>\
                <td>\(PageHTML.day(shown.expectedReleaseDate))</td>\
                <td>\(PageHTML.day(summary.releaseDate))</td>\
                <td>\(PageHTML.escape(summary.openDomains.map(DutchLabels.domain).joined(separator: ", ")))</td>\
                <td>\(summary.openTasks)</td><td>\(summary.openEscalations)</td>\
                <td>\(PageHTML.escape(DutchLabels.cooperation(summary.cooperation)))</td></tr>

                """
        }
        body += "</table>\n"
        if cases.count == query.limit {
            var next = "/coordinator/cases?offset=\(query.offset + query.limit)&limit=\(query.limit)"
            for (name, value) in parameters(query) { next += "&\(name)=\(FormEncoding.encode(value))" }
            body += "<p><a id=\"volgende\" href=\"\(PageHTML.escape(next))\">Volgende</a></p>\n"
        }
        return PageHTML.page(title: "Casussen", session: session, flash: flash, body: body)
    }

    static func filterForm(_ query: CaseQuery) -> String {
        let domains = Domain.allCases.map { (code: $0.rawValue, label: DutchLabels.domain($0)) }
        return """
            <form method="get" action="/coordinator/cases" id="filters">
            <label>Gemeente <input name="municipality" size="7" value="\(PageHTML.escape(query.municipality ?? ""))"></label>
            <label>Status \(PageHTML.select(name: "status", id: "status", options: [("open", "Open"), ("closed", "Gesloten")],
                                            selected: query.status?.rawValue, empty: "alle"))</label>
            <label>Basisvoorwaarde open \(PageHTML.select(name: "basisvoorwaarde", id: "basisvoorwaarde", options: domains,
                                                          selected: query.domain?.rawValue, empty: "alle"))</label>
            <label>Open escalaties \(PageHTML.select(name: "hasOpenEscalations", id: "hasOpenEscalations",
                                                     options: [("true", "ja"), ("false", "nee")],
                                                     selected: query.hasOpenEscalations.map { $0 ? "true" : "false" }, empty: "maakt niet uit"))</label>
            <label>Ontslag binnen <input name="releaseWithinDays" size="4" value="\(query.releaseWithinDays.map(String.init) ?? "")"> dagen</label>
            <button type="submit">Filteren</button>
            </form>
            """
    }

    /// The filters as query parameters, for the next page's link.
    static func parameters(_ query: CaseQuery) -> [(String, String)] {
        var out: [(String, String)] = []
        if let municipality = query.municipality { out.append(("municipality", municipality)) }
        if let status = query.status { out.append(("status", status.rawValue)) }
        if let domain = query.domain { out.append(("basisvoorwaarde", domain.rawValue)) }
        if let open = query.hasOpenEscalations { out.append(("hasOpenEscalations", open ? "true" : "false")) }
        if let days = query.releaseWithinDays { out.append(("releaseWithinDays", String(days))) }
        return out
    }
}
