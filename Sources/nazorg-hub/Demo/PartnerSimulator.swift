import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NazorgRuntime
import Synchronization

/// Simulated partner webhooks for the demo: takes every message with a 200, then reports
/// back through the adapters' status API as the partner's ``DemoPartners/Behaviour`` says
/// (accepted, later completed, or rejected with a reason; or nothing at all), and confirms a
/// retraction with `completed` unless the partner never answers.
struct PartnerSimulator: Sendable {
    let client: HTTPClient
    let adaptersURL: String
    /// By partner id; a partner not named is dependable.
    let behaviours: [String: DemoPartners.Behaviour]
    let logger: Logger
    let deliveries = Deliveries()

    /// Synthetic reasons of a partner that rejects often; free text, as a real partner's.
    static let rejectionReasons = [
        "Geen passende woning beschikbaar in deze gemeente (demo)",
        "Wachtlijst gesloten voor deze doelgroep (demo)",
        "Eerst schuldhulp nodig voordat een huurcontract kan (demo)",
    ]

    final class Deliveries: Sendable {
        private let seen = Mutex<Set<String>>([])
        /// True the first time an idempotency key is seen.
        func firstTime(_ key: String) -> Bool { seen.withLock { $0.insert(key).inserted } }
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/partners/:partnerId/tasks") { request, context -> HTTPResponse.Status in
            let partnerId = try context.parameters.require("partnerId")
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let offer = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let taskId = offer["taskId"] as? String else { return .badRequest }
            let key = request.headers[HTTPField.Name("Idempotency-Key")!] ?? taskId
            // A redelivered message is acknowledged again but handled once, as a real partner should.
            guard deliveries.firstTime(key) else { return .ok }
            let behaviour = behaviours[partnerId] ?? .dependable
            // Takes the message and is never heard of again.
            guard behaviour != .neverAnswers else { return .ok }
            switch request.headers[HTTPField.Name("ce-type")!] {
            case "nl.nazorg.TaskOffered.v1":
                Task { await respond(partnerId: partnerId, taskId: taskId, behaviour: behaviour) }
            case "nl.nazorg.TaskRetracted.v1":
                // Deleted at once; `completed` confirms it.
                Task { await report(partnerId, taskId, ["status": "completed"]) }
            default:
                // An update changes nothing the simulator keeps; a cancellation ends the task.
                break
            }
            return .ok
        }
    }

    private func respond(partnerId: String, taskId: String, behaviour: DemoPartners.Behaviour) async {
        try? await Task.sleep(for: .milliseconds(Int.random(in: 800...2500)))
        let rejection: String?
        switch behaviour {
        case .rejectsOften(let percent) where Int.random(in: 0..<100) < percent:
            rejection = Self.rejectionReasons.randomElement()
        case .dependable where Int.random(in: 0..<7) == 0:
            rejection = "Geen capaciteit in deze gemeente (demo)"
        default:
            rejection = nil
        }
        if let rejection {
            await report(partnerId, taskId, ["status": "rejected", "reason": rejection])
            return
        }
        await report(partnerId, taskId, ["status": "accepted"])
        try? await Task.sleep(for: .milliseconds(Int.random(in: 2000...6000)))
        await report(partnerId, taskId, ["status": "completed"])
    }

    private func report(_ partnerId: String, _ taskId: String, _ body: [String: String]) async {
        do {
            _ = try await client.postJSON("\(adaptersURL)/v1/partners/\(partnerId)/tasks/\(taskId)/status", body)
        } catch {
            logger.warning("simulated partner could not report status", metadata: ["error": .string(error.loggable)])
        }
    }
}
