import NazorgContracts

/// The Dutch words a person reads in their subject access report. Every value the filter
/// stores has one; a value without (a field name from a later release) is shown as stored,
/// so the report never leaves a message out.
enum DutchLabels {
    static func role(_ role: PartnerRole) -> String {
        switch role {
        case .municipalityCoordinator: "Gemeente (coördinator nazorg)"
        case .housingCorporation: "Woningcorporatie"
        case .socialServices: "Sociale dienst (uitkering)"
        case .debtRelief: "Schuldhulpverlening"
        case .careProvider: "Zorgaanbieder"
        case .civilAffairs: "Burgerzaken (identiteitsbewijs)"
        case .probation: "Reclassering"
        case .rcnMonitoring: "Regionaal Coördinatiepunt Nazorg (monitoring)"
        }
    }

    static func legalBasis(_ basis: DisclosureLogged.LegalBasis) -> String {
        switch basis {
        case .consent: "Uw toestemming (artikel 6 lid 1 onder a AVG)"
        case .publicTask: "Taak van algemeen belang van de gemeente (artikel 6 lid 1 onder e AVG)"
        case .statutory18aPbw: "Wettelijke taak (artikel 18a Penitentiaire beginselenwet)"
        case .statistics: "Statistiek, zonder herleiding tot u (artikel 89 AVG)"
        }
    }

    static func domain(_ domain: Domain) -> String {
        switch domain {
        case .id: "Identiteitsbewijs"
        case .housing: "Huisvesting"
        case .income: "Inkomen"
        case .debts: "Schulden"
        case .care: "Zorg"
        case .network: "Sociaal netwerk"
        }
    }

    /// What the message told the organisation to do.
    static func message(_ kind: EventType) -> String {
        switch kind {
        case .taskOffered: "Taak aangeboden"
        case .taskUpdated: "Taak gewijzigd"
        case .taskCancelled: "Taak beëindigd"
        case .taskRetracted: "Verzoek om de gegevens te verwijderen"
        default: kind.rawValue
        }
    }

    static func transformation(_ transformation: DisclosureLogged.Transformation) -> String {
        switch transformation {
        case .pseudonymise: "vervangen door een nummer dat alleen deze organisatie gebruikt"
        case .generaliseWeek: "alleen de week"
        case .generaliseMonth: "alleen de maand"
        case .generaliseYear: "alleen het jaar"
        case .drop: "weggelaten"
        }
    }

    private static let fields: [String: String] = [
        "taskId": "Taaknummer",
        "taskType": "Soort taak",
        "domain": "Basisvoorwaarde",
        "measure": "Alternatieve maatregel",
        "reason": "Reden",
        "urgent": "Spoed",
        "dueAt": "Uiterste tijdstip",
        "deadline": "Uiterste datum",
        "deadlinePrecision": "Nauwkeurigheid van de uiterste datum",
        "remark": "Toelichting",
        "deletionRequested": "Verzoek tot verwijdering",
        "subject.bsn": "Burgerservicenummer (BSN)",
        "subject.givenName": "Voornaam",
        "subject.surname": "Achternaam",
        "subject.birthDate": "Geboortedatum",
        "subject.prisonCode": "Penitentiaire inrichting",
        "subject.municipality": "Gemeente",
        "subject.expectedReleaseDate": "Verwachte datum van vrijlating",
        "subject.subjectId": "Uw nummer bij deze organisatie",
        "subject.birthDatePrecision": "Hoe precies de geboortedatum is gegeven",
        "subject.expectedReleaseDatePrecision": "Hoe precies de datum van vrijlating is gegeven",
    ]

    /// A disclosed field path as the disclosure log names it (`subject.surname`,
    /// `details.housing`).
    static func field(_ path: String) -> String {
        if let label = fields[path] { return label }
        if path.hasPrefix("details."), let domain = Domain(rawValue: String(path.dropFirst("details.".count))) {
            return "Gegevens uit het detentie- en re-integratieplan over \(Self.domain(domain).lowercased())"
        }
        return path
    }
}
