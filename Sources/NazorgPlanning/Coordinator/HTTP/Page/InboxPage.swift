import Foundation
import NazorgContracts

/// The inbox: escalations that are not resolved, the most urgent first, each with the
/// person (as the policy shows them) and a link to the case.
enum InboxPage {
    static func render(_ escalations: [EscalationView], policy: CoordinatorPolicy, session: CoordinatorSessions.Session,
                       flash: CoordinatorSessions.Flash?) -> String {
        var body = "<h1>Inbox</h1>\n"
        if escalations.isEmpty {
            body += "<p id=\"inbox-leeg\">Geen open escalaties.</p>\n"
            return PageHTML.page(title: "Inbox", session: session, flash: flash, body: body)
        }
        body += """
            <table id="inbox">
            <tr><th>Reden</th><th>Persoon</th><th>Gemeente</th><th>Basisvoorwaarde</th><th>Partner</th>\
            <th>Was verwacht</th><th>Gemeld</th><th>Status</th><th></th></tr>

            """
        for view in escalations {
            let e = view.escalation
            let shown = EscalationJSON(view, policy: policy)
            let person = shown.person.map(PageHTML.person) ?? "(geen persoonsgegevens)"
            let partners = e.partnerIds.map { $0.joined(separator: " → ") } ?? e.partnerId ?? "–"
            body += """
                <tr data-escalation="\(PageHTML.escape(e.escalationId))" data-reason="\(e.reason.rawValue)">\
                <td>\(PageHTML.escape(DutchLabels.reason(e.reason)))\(e.timeLostHours.map { " (\($0) uur verloren)" } ?? "")</td>\
                <td>\(PageHTML.caseLink(e.caseId, person))</td>\
                <td>\(PageHTML.escape(e.municipality))</td>\
                <td>\(PageHTML.escape(DutchLabels.domain(e.domain)))</td>\
                <td>\(PageHTML.escape(partners))</td>\
                <td>\(PageHTML.moment(e.wasDueAt))</td>\
                <td>\(PageHTML.moment(e.raisedAt))</td>\
                <td class="status">\(PageHTML.escape(DutchLabels.escalationStatus(view.status.rawValue)))</td>\
                <td>\(acknowledgeForm(view, session: session))</td></tr>

                """
        }
        body += "</table>\n"
        return PageHTML.page(title: "Inbox", session: session, flash: flash, body: body)
    }

    /// "In behandeling nemen" for an open escalation; resolving happens on the case page,
    /// where the note is written with the case in view.
    static func acknowledgeForm(_ view: EscalationView, session: CoordinatorSessions.Session, back: String = "inbox") -> String {
        guard view.status == .open else { return "" }
        let id = PageHTML.escape(view.escalation.escalationId)
        return """
            <form class="inline" method="post" action="/coordinator/escalations/\(id)/acknowledge">\
            \(PageHTML.actionFields(session))<input type="hidden" name="back" value="\(back)">\
            <button type="submit">In behandeling nemen</button></form>
            """
    }
}
