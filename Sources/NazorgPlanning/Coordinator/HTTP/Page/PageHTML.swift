import Foundation
import NazorgRuntime
import NazorgContracts

/// The frame and the small parts every coordinator page shares. Every value that did not
/// come from this file passes ``escape(_:)``, attribute or text alike; no page has a script.
enum PageHTML {
    /// Escapes text for HTML element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }

    /// A whole page. `session` is nil on the login page; signed in, the header names the
    /// account and offers logout.
    static func page(title: String, session: CoordinatorSessions.Session?, flash: CoordinatorSessions.Flash?, body: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(escape(title)) – Nazorg regie</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 1.5rem 2rem; color: #1b1b1b; }
            header { display: flex; gap: 1.5rem; align-items: baseline; border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
            header nav a { margin-right: 1rem; }
            table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
            th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
            .melding { padding: .6rem 1rem; border-radius: 4px; background: #e8f4e8; }
            .fout { background: #fbe9e9; }
            .urgent { font-weight: bold; }
            form.inline { display: inline; }
            textarea { width: 24rem; height: 4rem; }
            </style>
            </head>
            <body>

            """
        if let session, let actor = session.actor {
            html += """
                <header><strong>Nazorg regie</strong>
                <nav><a href="/coordinator/inbox">Inbox</a><a href="/coordinator/cases">Casussen</a></nav>
                <span>Ingelogd als <span id="account">\(escape(actor.name))</span></span>
                <form class="inline" method="post" action="/coordinator/logout">\(csrfField(session))<button type="submit">Uitloggen</button></form>
                </header>

                """
        }
        if let flash {
            html += "<p class=\"melding\(flash.isError ? " fout" : "")\" id=\"melding\" role=\"status\">\(escape(flash.text))</p>\n"
        }
        html += body + "\n</body>\n</html>\n"
        return html
    }

    static func csrfField(_ session: CoordinatorSessions.Session) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(session.csrf))\">"
    }

    /// The hidden fields of an action form: the CSRF token, and a request id of its own so
    /// that sending the same form twice does the action once.
    static func actionFields(_ session: CoordinatorSessions.Session) -> String {
        csrfField(session) + "<input type=\"hidden\" name=\"requestId\" value=\"\(CoordinatorSessions.randomToken())\">"
    }

    /// A select of codes with Dutch labels; `selected` marks the current choice.
    static func select(name: String, id: String, options: [(code: String, label: String)], selected: String?,
                       empty: String? = nil) -> String {
        var html = "<select name=\"\(escape(name))\" id=\"\(escape(id))\">"
        if let empty { html += "<option value=\"\">\(escape(empty))</option>" }
        for option in options {
            let mark = option.code == selected ? " selected" : ""
            html += "<option value=\"\(escape(option.code))\"\(mark)>\(escape(option.label))</option>"
        }
        return html + "</select>"
    }

    /// A moment as a Dutch reader expects it, in Europe/Amsterdam.
    static func moment(_ date: Date?) -> String {
        guard let date else { return "–" }
        var style = Date.VerbatimFormatStyle(
            format: "\(day: .twoDigits)-\(month: .twoDigits)-\(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            timeZone: DutchTime.zone, calendar: Calendar(identifier: .gregorian))
        style.locale = Locale(identifier: "nl_NL")
        return date.formatted(style)
    }

    static func day(_ date: CalendarDate?) -> String {
        guard let date else { return "–" }
        return String(format: "%02d-%02d-%04d", date.day, date.month, date.year)
    }

    /// The person's name and birth date as far as the policy shows them.
    static func person(_ person: PersonJSON) -> String {
        let name = [person.givenName, person.surname].compactMap { $0 }.joined(separator: " ")
        var parts: [String] = []
        if !name.isEmpty { parts.append(escape(name)) }
        if let birthDate = person.birthDate { parts.append("geb. \(day(birthDate))") }
        if let bsn = person.bsn { parts.append("BSN \(escape(bsn))") }
        return parts.isEmpty ? "(geen persoonsgegevens)" : parts.joined(separator: ", ")
    }

    static func caseLink(_ caseId: UUID, _ label: String) -> String {
        "<a href=\"/coordinator/cases/\(caseId.uuidString.lowercased())\">\(label)</a>"
    }
}
