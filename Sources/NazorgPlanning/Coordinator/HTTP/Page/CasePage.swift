import Foundation
import NazorgContracts
import NazorgRuntime

/// One case: its facts, escalations, tasks, needs, notes, what partners received, the
/// timeline, and the coordinator's actions on it.
enum CasePage {
    struct Content {
        var timeline: CaseTimeline
        /// Every escalation of the case, most urgent first.
        var escalations: [EscalationView]
        /// Per open task, the partners it may be given to instead.
        var candidates: [String: [PartnerDirectory.Partner]]
    }

    static func render(_ content: Content, policy: CoordinatorPolicy, session: CoordinatorSessions.Session,
                       flash: CoordinatorSessions.Flash?) -> String {
        let shown = TimelineJSON(content.timeline, policy: policy)
        let summary = content.timeline.summary
        var body = "<h1 id=\"persoon\">\(PageHTML.person(shown.case.person))</h1>\n"
        body += facts(shown.case, summary: summary)
        body += escalations(content.escalations, caseId: summary.caseId, session: session)
        body += tasks(content.timeline.tasks, candidates: content.candidates, caseId: summary.caseId, session: session)
        body += needs(shown.needs)
        body += CasePage.notes(content.timeline.notes, caseId: summary.caseId, isOpen: summary.status == .open, session: session)
        body += disclosures(content.timeline.disclosures)
        body += entries(content.timeline.entries)
        if summary.status == .open { body += CaseActions.forms(summary, session: session) }
        return PageHTML.page(title: "Casus", session: session, flash: flash, body: body)
    }

    static func facts(_ shown: CaseJSON, summary: CaseSummary) -> String {
        var rows: [(String, String)] = [
            ("Casus", PageHTML.escape(summary.caseId.uuidString.lowercased())),
            ("Gemeente", PageHTML.escape(summary.municipality)),
            ("Status", PageHTML.escape(DutchLabels.caseStatus(summary.status.rawValue))),
        ]
        if let prison = shown.prisonCode { rows.append(("PI", PageHTML.escape(prison))) }
        rows += [
            ("Detentie sinds", PageHTML.day(summary.detentionStartDate)),
            ("Verwachte ontslagdatum", PageHTML.day(shown.expectedReleaseDate)),
            ("Ontslagen op", PageHTML.day(summary.releaseDate)),
            ("Medewerking", PageHTML.escape(DutchLabels.cooperation(summary.cooperation))),
        ]
        if let closed = summary.closedAt {
            let why = summary.coordinatorCloseReason.map(DutchLabels.closeReason) ?? summary.closeReason?.rawValue ?? ""
            rows.append(("Gesloten", "\(PageHTML.moment(closed)) (\(PageHTML.escape(why)))"))
        }
        return "<table id=\"feiten\">\n" + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>\n" }.joined() + "</table>\n"
    }

    static func escalations(_ views: [EscalationView], caseId: UUID, session: CoordinatorSessions.Session) -> String {
        var html = "<h2>Escalaties</h2>\n"
        guard !views.isEmpty else { return html + "<p>Geen escalaties.</p>\n" }
        html += "<table id=\"escalaties\">\n<tr><th>Reden</th><th>Basisvoorwaarde</th><th>Partner</th><th>Gemeld</th>"
            + "<th>Status</th><th>Notitie</th><th>Actie</th></tr>\n"
        for view in views {
            let e = view.escalation
            let id = PageHTML.escape(e.escalationId)
            var action = ""
            if view.status != .resolved {
                if view.status == .open { action += InboxPage.acknowledgeForm(view, session: session, back: caseId.uuidString.lowercased()) }
                action += """
                    <form method="post" action="/coordinator/escalations/\(id)/resolve" id="oplossen-\(id)">\
                    \(PageHTML.actionFields(session))<input type="hidden" name="back" value="\(caseId.uuidString.lowercased())">\
                    <label>Notitie <textarea name="note" required maxlength="\(InputReader.maximumNoteLength)"></textarea></label>\
                    <button type="submit">Oplossen</button></form>
                    """
            }
            let who = view.resolvedBy ?? view.acknowledgedBy
            html += """
                <tr data-escalation="\(id)" data-reason="\(e.reason.rawValue)"><td>\(PageHTML.escape(DutchLabels.reason(e.reason)))</td>\
                <td>\(PageHTML.escape(DutchLabels.domain(e.domain)))</td>\
                <td>\(PageHTML.escape(e.partnerIds?.joined(separator: " → ") ?? e.partnerId ?? "–"))</td>\
                <td>\(PageHTML.moment(e.raisedAt))</td>\
                <td class="status">\(PageHTML.escape(DutchLabels.escalationStatus(view.status.rawValue)))\
                \(who.map { " (\(PageHTML.escape($0)))" } ?? "")</td>\
                <td class="notitie">\(PageHTML.escape(view.note ?? ""))</td><td>\(action)</td></tr>

                """
        }
        return html + "</table>\n"
    }

    static func tasks(_ tasks: [TaskRecord], candidates: [String: [PartnerDirectory.Partner]], caseId: UUID,
                      session: CoordinatorSessions.Session) -> String {
        var html = "<h2>Taken</h2>\n"
        guard !tasks.isEmpty else { return html + "<p>Geen taken.</p>\n" }
        html += "<table id=\"taken\">\n<tr><th>Soort</th><th>Basisvoorwaarde</th><th>Partner</th><th>Status</th>"
            + "<th>Termijn</th><th>Toegewezen</th><th>Anders toewijzen</th></tr>\n"
        for task in tasks {
            let id = PageHTML.escape(task.taskId)
            var form = ""
            if task.isOpen, let options = candidates[task.taskId], !options.isEmpty {
                form = """
                    <form method="post" action="/coordinator/tasks/\(id)/reassign" id="toewijzen-\(id)">\
                    \(PageHTML.actionFields(session))<input type="hidden" name="back" value="\(caseId.uuidString.lowercased())">\
                    \(PageHTML.select(name: "partnerId", id: "partner-\(task.taskId)",
                                      options: options.map { (code: $0.id, label: "\($0.name) (\($0.id))") }, selected: nil))\
                    <label>Reden <input name="reason" required maxlength="\(InputReader.maximumReasonLength)"></label>\
                    <button type="submit">Toewijzen</button></form>
                    """
            }
            html += """
                <tr data-task="\(id)"\(task.urgent ? " class=\"urgent\"" : "")><td>\(PageHTML.escape(DutchLabels.taskType(task.taskType)))</td>\
                <td>\(PageHTML.escape(DutchLabels.domain(task.domain)))</td><td class="partner">\(PageHTML.escape(task.partnerId))</td>\
                <td class="status">\(PageHTML.escape(DutchLabels.taskStatus(task.status)))</td>\
                <td>\(task.dueAt.map(PageHTML.moment) ?? PageHTML.day(task.deadline))</td>\
                <td>\(PageHTML.moment(task.assignedAt))</td><td>\(form)</td></tr>

                """
        }
        return html + "</table>\n"
    }

    static func needs(_ needs: [NeedJSON]) -> String {
        var html = "<h2>Behoeften volgens het D&amp;R-plan</h2>\n"
        guard !needs.isEmpty else { return html + "<p>Geen D&amp;R-plan ontvangen.</p>\n" }
        html += "<table id=\"behoeften\">\n<tr><th>Basisvoorwaarde</th><th>Status</th><th>Details</th><th>Opmerking</th></tr>\n"
        for need in needs {
            let details = need.details.flatMap { try? ContractJSONEncoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            html += "<tr><td>\(PageHTML.escape(DutchLabels.domain(need.domain)))</td>"
                + "<td>\(PageHTML.escape(DutchLabels.needStatus(need.status)))</td>"
                + "<td>\(PageHTML.escape(details))</td><td>\(PageHTML.escape(need.remark ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func notes(_ notes: [CaseNote], caseId: UUID, isOpen: Bool, session: CoordinatorSessions.Session) -> String {
        var html = "<h2>Notities</h2>\n<ul id=\"notities\">\n"
        for note in notes {
            html += "<li><span class=\"wanneer\">\(PageHTML.moment(note.at))</span> <span class=\"auteur\">"
                + "\(PageHTML.escape(note.author))</span>: <span class=\"tekst\">\(PageHTML.escape(note.text))</span></li>\n"
        }
        html += "</ul>\n"
        let id = caseId.uuidString.lowercased()
        html += """
            <form method="post" action="/coordinator/cases/\(id)/notes" id="notitie-toevoegen">\
            \(PageHTML.actionFields(session))<label>Nieuwe notitie <textarea name="text" required \
            maxlength="\(InputReader.maximumNoteLength)"></textarea></label><button type="submit">Toevoegen</button></form>

            """
        return html
    }

    static func disclosures(_ disclosures: [DisclosureSummary]) -> String {
        var html = "<h2>Verstrekt aan partners</h2>\n"
        guard !disclosures.isEmpty else { return html + "<p>Nog niets verstrekt.</p>\n" }
        html += "<table id=\"verstrekkingen\">\n<tr><th>Partner</th><th>Rol</th><th>Berichten</th><th>Soorten</th><th>Eerste</th><th>Laatste</th></tr>\n"
        for d in disclosures {
            html += "<tr><td>\(PageHTML.escape(d.partnerId))</td><td>\(PageHTML.escape(d.partnerRole.rawValue))</td><td>\(d.count)</td>"
                + "<td>\(PageHTML.escape(d.eventTypes.map(\.rawValue).joined(separator: ", ")))</td>"
                + "<td>\(PageHTML.moment(d.firstAt))</td><td>\(PageHTML.moment(d.lastAt))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func entries(_ entries: [TimelineEntry]) -> String {
        var html = "<h2>Tijdlijn</h2>\n<table id=\"tijdlijn\">\n<tr><th>Wanneer</th><th>Wat</th><th>Code</th><th>Basisvoorwaarde</th>"
            + "<th>Partner</th><th>Door</th></tr>\n"
        for entry in entries {
            html += "<tr><td>\(PageHTML.moment(entry.at))</td><td>\(PageHTML.escape(DutchLabels.entryKind(entry.kind.rawValue)))</td>"
                + "<td>\(PageHTML.escape(entry.code))</td><td>\(PageHTML.escape(entry.domain.map { DutchLabels.domain($0) } ?? ""))</td>"
                + "<td>\(PageHTML.escape(entry.partnerId ?? ""))</td><td>\(PageHTML.escape(entry.by ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }
}
