import Foundation
import NazorgContracts
import NazorgRuntime

/// What the hub gave organisations about one person (art. 15 AVG): every message the filter
/// sent a partner about them, with which organisation, when, for which purpose, under which
/// legal basis and which fields. As JSON for systems and as a printable Dutch page for the
/// person. It names no identifier of the person: whoever asked knows whom it is about.
public struct SubjectAccessReport: Sendable {
    public struct Organisation: Sendable, Codable, Equatable {
        public var partnerId: String
        public var name: String?
        public var role: PartnerRole
        public var messages: Int
        public var first: Date
        public var last: Date
    }

    public struct Entry: Sendable, Codable, Equatable {
        public var disclosureId: String
        public var disclosedAt: Date
        public var partnerId: String
        public var partnerName: String?
        public var role: PartnerRole
        /// The message sent: TaskOffered, TaskUpdated, TaskCancelled or TaskRetracted.
        public var message: EventType
        public var taskId: String
        public var domain: Domain?
        public var processingActivityId: String?
        public var purpose: String?
        public var legalBasis: DisclosureLogged.LegalBasis?
        public var fields: [String]
        public var transformations: [String: DisclosureLogged.Transformation]?
        /// The organisation was asked afterwards to delete what it received about the task.
        public var deletionRequested: Bool
        public var policyVersion: String?
    }

    public var generatedAt: Date
    public var organisations: [Organisation]
    public var disclosures: [Entry]

    /// - Parameter partnerNames: the partner directory's names by partner id; a partner not
    ///   in it is shown by its id.
    public init(_ memories: [DisclosureMemory], partnerNames: [String: String] = [:], generatedAt: Date = Date()) {
        self.generatedAt = generatedAt
        let ordered = memories.sorted { ($0.disclosedAt, $0.disclosureId) < ($1.disclosedAt, $1.disclosureId) }
        disclosures = ordered.map { m in
            Entry(disclosureId: m.disclosureId, disclosedAt: m.disclosedAt, partnerId: m.partnerId,
                  partnerName: partnerNames[m.partnerId], role: m.role, message: m.kind, taskId: m.taskId, domain: m.domain,
                  processingActivityId: m.processingActivityId, purpose: m.purpose, legalBasis: m.legalBasis,
                  fields: m.disclosedFields, transformations: m.transformations.isEmpty ? nil : m.transformations,
                  deletionRequested: m.retracted && m.kind != .taskRetracted, policyVersion: m.policyVersion)
        }
        var byPartner: [String: Organisation] = [:]
        var order: [String] = []
        for entry in disclosures {
            if var seen = byPartner[entry.partnerId] {
                seen.messages += 1
                seen.last = entry.disclosedAt
                byPartner[entry.partnerId] = seen
            } else {
                order.append(entry.partnerId)
                byPartner[entry.partnerId] = Organisation(partnerId: entry.partnerId, name: entry.partnerName, role: entry.role,
                                                          messages: 1, first: entry.disclosedAt, last: entry.disclosedAt)
            }
        }
        organisations = order.compactMap { byPartner[$0] }
    }

    /// The report about the person with this BSN, from the filter's store; nil when the hub
    /// knows no such person (no notice named them and nothing was sent about them).
    public static func make(forBSN bsn: String, store: FilterStore, pseudonymizer: SubjectPseudonymizer,
                            partnerNames: [String: String], now: Date = Date()) async throws -> SubjectAccessReport? {
        let subject = pseudonymizer.pseudonym(forBSN: bsn)
        let memories = try await store.disclosures(subjectId: subject)
        if memories.isEmpty, try await store.scopes(subjectId: subject).isEmpty { return nil }
        return SubjectAccessReport(memories, partnerNames: partnerNames, generatedAt: now)
    }

    // MARK: JSON

    /// `application/json`: keys sorted, times as RFC 3339 in UTC.
    public func json() throws -> Data {
        struct Document: Encodable {
            var generatedAt: String
            var disclosureCount: Int
            var organisations: [Organisation]
            var disclosures: [Entry]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ContractCoding.timestamp(date))
        }
        return try encoder.encode(Document(generatedAt: ContractCoding.timestamp(generatedAt),
                                           disclosureCount: disclosures.count, organisations: organisations,
                                           disclosures: disclosures))
    }

    // MARK: Printable page

    /// A Dutch page that prints on A4: who received what, then each message in order.
    public func html() -> String {
        let time = Self.dutchTime
        var page = """
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <title>Inzage: welke organisaties gegevens over u kregen</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #111; line-height: 1.4; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
            table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
            th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
            th { background: #eee; }
            ul { margin: 0; padding-left: 1.2em; }
            .meta { color: #444; font-size: 0.9em; }
            @media print { body { margin: 0; } th { background: none; } tr { page-break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>Inzage: welke organisaties gegevens over u kregen</h1>
            <p>Dit overzicht toont elke keer dat de nazorg-hub gegevens over u aan een organisatie gaf: welke organisatie,
            wanneer, met welk doel, op welke grond en welke gegevens. U heeft recht op dit overzicht (artikel 15 AVG).</p>
            <p class="meta">Opgesteld op \(HTMLText.escape(time(generatedAt))).</p>

            """
        if disclosures.isEmpty {
            page += "<p><strong>Er zijn geen gegevens over u aan organisaties gegeven.</strong></p>\n"
        } else {
            page += """
                <h2>Organisaties</h2>
                <table>
                <thead><tr><th scope="col">Organisatie</th><th scope="col">Soort organisatie</th><th scope="col">Berichten</th><th scope="col">Eerste</th><th scope="col">Laatste</th></tr></thead>
                <tbody>

                """
            for organisation in organisations {
                page += "<tr><td>\(HTMLText.escape(organisation.name ?? organisation.partnerId))</td>"
                    + "<td>\(HTMLText.escape(DutchLabels.role(organisation.role)))</td><td>\(organisation.messages)</td>"
                    + "<td>\(HTMLText.escape(time(organisation.first)))</td><td>\(HTMLText.escape(time(organisation.last)))</td></tr>\n"
            }
            page += """
                </tbody>
                </table>
                <h2>Alle berichten</h2>
                <table>
                <thead><tr><th scope="col">Wanneer</th><th scope="col">Organisatie</th><th scope="col">Bericht</th><th scope="col">Doel en grondslag</th><th scope="col">Gegevens</th></tr></thead>
                <tbody>

                """
            for entry in disclosures { page += Self.row(entry, time: time) }
            page += "</tbody>\n</table>\n"
        }
        page += """
            <h2>Uw rechten</h2>
            <p>Kloppen gegevens niet, dan kunt u vragen ze te verbeteren. Gaf u toestemming, dan kunt u die altijd intrekken;
            organisaties die gegevens op uw toestemming kregen, krijgen dan het verzoek ze te verwijderen. Vraag dit bij de
            medewerker van de penitentiaire inrichting of de nazorgcoördinator van uw gemeente.</p>
            </body>
            </html>

            """
        return page
    }

    private static func row(_ entry: Entry, time: (Date) -> String) -> String {
        var purpose: [String] = []
        if let text = entry.purpose { purpose.append(HTMLText.escape(text)) }
        if let basis = entry.legalBasis { purpose.append("Grond: " + HTMLText.escape(DutchLabels.legalBasis(basis))) }
        if let activity = entry.processingActivityId {
            purpose.append("<span class=\"meta\">Verwerking \(HTMLText.escape(activity))</span>")
        }
        var message = HTMLText.escape(DutchLabels.message(entry.message))
        if let domain = entry.domain { message += "<br>" + HTMLText.escape(DutchLabels.domain(domain)) }
        if entry.deletionRequested { message += "<br><em>Later gevraagd dit te verwijderen</em>" }
        let fields = entry.fields.map { path -> String in
            var text = HTMLText.escape(DutchLabels.field(path))
            if let change = entry.transformations?[path] { text += " (" + HTMLText.escape(DutchLabels.transformation(change)) + ")" }
            return "<li>\(text)</li>"
        }.joined()
        return "<tr><td>\(HTMLText.escape(time(entry.disclosedAt)))</td>"
            + "<td>\(HTMLText.escape(entry.partnerName ?? entry.partnerId))<br><span class=\"meta\">"
            + "\(HTMLText.escape(DutchLabels.role(entry.role)))</span></td>"
            + "<td>\(message)</td><td>\(purpose.joined(separator: "<br>"))</td><td><ul>\(fields)</ul></td></tr>\n"
    }

    /// "7 december 2026 om 10:55", in Dutch time (the person reads their own clock).
    static let dutchTime: @Sendable (Date) -> String = { date in
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DutchTime.zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                      "november", "december"]
        let month = months[((parts.month ?? 1) - 1).clamped(to: 0...11)]
        return "\(parts.day ?? 0) \(month) \(parts.year ?? 0) om "
            + String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}

private extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
