import NazorgContracts
import NazorgRuntime

/// The demo's partner directory and how each simulated partner answers.
///
/// Most partners are dependable. Two are not, so the coordinator's inbox fills the way it
/// would in real life:
/// - `demo-woonbond` is the housing partner of GM0599 and rejects most tasks with a reason.
///   `demo-woonstichting` also serves GM0599 and is dependable: it is listed after the
///   woonbond, so planning assigns to the woonbond and a coordinator reassigns to the
///   woonstichting.
/// - `demo-schuldhulp-regio` is the debt-relief partner of GM0344 and never answers: every
///   message gets a 200, and no status ever comes back. `demo-schuldhulp` serves every
///   municipality and is the one to reassign to.
enum DemoPartners {
    /// How a simulated partner answers the messages it receives.
    enum Behaviour: Sendable, Equatable {
        /// Accepts an offer, later completes it; rejects about one task in seven.
        case dependable
        /// Rejects about `percent` of its offers with a reason, accepts and completes the rest.
        case rejectsOften(percent: Int)
        /// Takes every message and never reports a status, not even a deletion.
        case neverAnswers
    }

    /// The municipalities of the demo's synthetic people.
    static let municipalities = ["GM0363", "GM0599", "GM0344"]

    private struct Entry {
        var id: String
        var name: String
        var role: PartnerRole
        var domains: [Domain]
        var municipalities: [String]
        var behaviour: Behaviour = .dependable
    }

    /// In directory order: for a basisvoorwaarde, the first partner naming the municipality
    /// itself is the one planning assigns.
    private static let entries: [Entry] = [
        // Housing differs per municipality, so a person who moves is handed over to another corporation.
        Entry(id: "demo-woningcorporatie", name: "Woningcorporatie (demo)", role: .housingCorporation, domains: [.housing],
              municipalities: ["GM0363", "GM0344"]),
        Entry(id: "demo-woonbond", name: "Woonbond (demo, wijst vaak af)", role: .housingCorporation, domains: [.housing],
              municipalities: ["GM0599"], behaviour: .rejectsOften(percent: 70)),
        Entry(id: "demo-woonstichting", name: "Woonstichting (demo)", role: .housingCorporation, domains: [.housing],
              municipalities: ["GM0599"]),
        Entry(id: "demo-sociale-dienst", name: "Sociale dienst (demo)", role: .socialServices, domains: [.income],
              municipalities: ["*"]),
        Entry(id: "demo-schuldhulp-regio", name: "Schuldhulp regio (demo, reageert nooit)", role: .debtRelief,
              domains: [.debts], municipalities: ["GM0344"], behaviour: .neverAnswers),
        Entry(id: "demo-schuldhulp", name: "Schuldhulpverlening (demo)", role: .debtRelief, domains: [.debts],
              municipalities: ["*"]),
        Entry(id: "demo-zorg", name: "Zorgaanbieder (demo)", role: .careProvider, domains: [.care], municipalities: ["*"]),
        Entry(id: "demo-burgerzaken", name: "Burgerzaken ID-balie (demo)", role: .civilAffairs, domains: [.id],
              municipalities: ["*"]),
        Entry(id: "demo-wijkteam", name: "Wijkteam netwerk (demo)", role: .municipalityCoordinator, domains: [.network],
              municipalities: ["*"]),
    ]

    /// The directory, with webhooks at `webhookBase/<id>/tasks` (the simulator).
    static func directory(webhookBase: String) throws -> PartnerDirectory {
        try PartnerDirectory(partners: entries.map {
            PartnerDirectory.Partner(id: $0.id, name: $0.name, role: $0.role, domains: $0.domains,
                                     municipalities: $0.municipalities, webhook: "\(webhookBase)/\($0.id)/tasks")
        })
    }

    /// How each partner answers, by partner id.
    static let behaviours: [String: Behaviour] = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0.behaviour) })
}
