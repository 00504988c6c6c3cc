import NazorgContracts

/// The page's Dutch words for the hub's codes. A code without a label shows as itself.
enum DutchLabels {
    static func domain(_ domain: Domain?) -> String {
        switch domain {
        case .id: return "Identiteitsbewijs"
        case .housing: return "Huisvesting"
        case .income: return "Werk en inkomen"
        case .debts: return "Schulden"
        case .care: return "Zorg"
        case .network: return "Sociaal netwerk"
        case nil: return "–"
        }
    }

    static func reason(_ reason: EscalationRaised.Reason) -> String {
        switch reason {
        case .taskRejected: return "Taak afgewezen"
        case .deadlineMissed: return "Termijn verstreken"
        case .unannouncedRelease: return "Onaangekondigd ontslag"
        case .noPartner: return "Geen partner"
        case .awaitingConsent: return "Wacht op toestemming"
        case .deliveryFailed: return "Niet afgeleverd"
        case .disclosureDenied: return "Geen beleid voor verstrekking"
        case .possibleDataBreach: return "Mogelijk datalek (melden binnen 72 uur)"
        case .notAccepted: return "Niet geaccepteerd binnen de reactietermijn"
        case .planMissing: return "D&R-plan ontbreekt"
        case .releaseDayOpen: return "Ontslagdag met open basisvoorwaarden"
        case .firstContactMissed: return "Eerste gesprek niet gevoerd"
        case .consentTimeout: return "Toestemming blijft uit"
        case .hotPotato: return "Hete aardappel"
        }
    }

    static func escalationStatus(_ status: String) -> String {
        ["open": "Open", "acknowledged": "In behandeling", "resolved": "Opgelost"][status] ?? status
    }

    static func taskStatus(_ status: String) -> String {
        [
            "assigned": "Toegewezen", "accepted": "Geaccepteerd", "rejected": "Afgewezen", "completed": "Afgerond",
            "awaiting-consent": "Wacht op toestemming", "offered": "Aangeboden", "undeliverable": "Niet af te leveren",
            "withdrawn": "Ingetrokken",
        ][status] ?? status
    }

    static func taskType(_ type: TaskType) -> String {
        switch type {
        case .deliver: return "Leveren"
        case .screen: return "Screenen"
        case .firstContact: return "Eerste gesprek"
        case .measure: return "Maatregel"
        }
    }

    static func caseStatus(_ status: String) -> String { ["open": "Open", "closed": "Gesloten"][status] ?? status }

    static func closeReason(_ reason: CaseClosed.CoordinatorReason) -> String {
        switch reason {
        case .declinesAftercare: return "Weigert nazorg"
        case .unreachable: return "Onbereikbaar"
        case .movedAbroad: return "Vertrokken naar het buitenland"
        case .deceased: return "Overleden"
        case .noAftercareNeeded: return "Geen nazorg nodig"
        case .other: return "Anders"
        }
    }

    static func cooperation(_ cooperation: CooperationRecorded.Cooperation?) -> String {
        switch cooperation {
        case .cooperating: return "Werkt mee"
        case .declinesAftercare: return "Weigert nazorg"
        case .unreachable: return "Onbereikbaar"
        case nil: return "Niet vastgelegd"
        }
    }

    static func needStatus(_ status: NeedStatus) -> String {
        ["needed": "Nodig", "arranged": "Geregeld", "unknown": "Onbekend", "not-applicable": "Niet van toepassing"][status.rawValue]
            ?? status.rawValue
    }

    static func entryKind(_ kind: String) -> String {
        [
            "notice": "Melding", "case-opened": "Casus geopend", "task-assigned": "Taak toegewezen", "task-status": "Taakstatus",
            "task-withdrawn": "Taak ingetrokken", "escalation-raised": "Escalatie", "escalation-updated": "Escalatie bijgewerkt",
            "note": "Notitie", "cooperation": "Medewerking", "case-closed": "Casus gesloten",
        ][kind] ?? kind
    }
}
