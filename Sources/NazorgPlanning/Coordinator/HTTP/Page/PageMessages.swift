import NazorgRuntime

/// What the page tells a coordinator, in Dutch, when something did not work: by the
/// problem's status and the fields it names, never by repeating what was typed.
enum PageMessages {
    struct Message {
        var title: String
        var text: String
    }

    static func problem(_ problem: ProblemDetails, action: Action? = nil) -> Message {
        switch problem.statusCode {
        case 401:
            return Message(title: "Niet ingelogd", text: "Log opnieuw in met uw toegangscode.")
        case 403:
            return Message(title: "Formulier verlopen",
                           text: "Het formulier hoort niet (meer) bij deze sessie. Laad de pagina opnieuw en probeer het nog eens.")
        case 404:
            return Message(title: "Niet gevonden", text: "Dit bestaat niet, of valt buiten de gemeenten van dit account.")
        case 409:
            return Message(title: "Niet (meer) mogelijk",
                           text: "Dit past niet bij de huidige stand: de escalatie is al opgelost, de taak is niet meer open of de casus is gesloten.")
        case 413:
            return Message(title: "Te groot", text: "Het formulier is te groot.")
        case 415:
            return Message(title: "Onbekend formulier", text: "Verstuur het formulier vanaf deze pagina.")
        case 422:
            return Message(title: "Niet geldig", text: invalid(problem, action: action))
        default:
            return Message(title: "Tijdelijk niet beschikbaar",
                           text: "Het logboek of de casusopslag is nu niet bereikbaar; er is niets getoond of gewijzigd. Probeer het zo opnieuw.")
        }
    }

    /// The action a form performs, for messages that depend on it.
    enum Action {
        case acknowledge, resolve, reassign, note, close, cooperation
    }

    /// One sentence per bad field; the desk's own refusal (the page passes it without a
    /// field) per action.
    static func invalid(_ problem: ProblemDetails, action: Action?) -> String {
        let fields = Set((problem.errors ?? []).map(\.field).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 })
        var sentences: [String] = []
        for field in fields.sorted() {
            switch (field, action) {
            case ("", .reassign?):
                sentences.append("Deze partner kan de taak niet overnemen: de partner levert deze basisvoorwaarde niet, "
                                 + "werkt niet in deze gemeente of heeft de taak al.")
            case ("", _):
                sentences.append("Dit verzoek past niet bij deze casus.")
            case ("note", _), ("text", _):
                sentences.append("Vul een notitie in van hoogstens \(InputReader.maximumNoteLength) tekens, zonder stuurtekens.")
            case ("reason", .close?):
                sentences.append("Kies een reden om de casus te sluiten.")
            case ("reason", _):
                sentences.append("Geef een reden op van hoogstens \(InputReader.maximumReasonLength) tekens, op één regel.")
            case ("partnerId", _):
                sentences.append("Kies een partner die deze taak kan overnemen.")
            case ("cooperation", _):
                sentences.append("Kies hoe de persoon meewerkt.")
            case ("municipality", _):
                sentences.append("Geef een bestaande gemeentecode op, zoals GM0363.")
            case ("releaseWithinDays", _):
                sentences.append("Geef het aantal dagen tot ontslag op als een geheel getal van 0 tot 3650.")
            default:
                sentences.append("Een veld van het formulier is niet geldig.")
            }
        }
        return Array(Set(sentences)).sorted().joined(separator: " ")
    }
}
