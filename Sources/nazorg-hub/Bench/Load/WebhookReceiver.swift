import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NazorgContracts
import NazorgRuntime
import NIOCore
import ServiceLifecycle
import Synchronization

/// The partners' webhooks of a benchmark: an HTTP server in the bench process that accepts
/// every task offer (200) and notes when its body was complete, for which partner, with the
/// ids the offer itself carries. Those are what a partner legitimately receives: the offer
/// id (also the `Idempotency-Key`) and the task id it reports status for; never a hub-wide
/// id of the person or the notice.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var partner: String
        var offerId: String?
        var taskId: String?
        var idempotencyKey: String?
        /// When the body was complete, in µs since 1970 (`CLOCK_REALTIME`, the clock of wrk's
        /// answer log, so the two compare on one machine).
        var receivedAt: Int64
    }

    let port: Int
    private let inbox: Inbox
    private let group: ServiceGroup
    private let server: Task<Void, any Error>

    private init(port: Int, inbox: Inbox, group: ServiceGroup, server: Task<Void, any Error>) {
        self.port = port
        self.inbox = inbox
        self.group = group
        self.server = server
    }

    /// Starts the server on a free loopback port; partner `id`'s webhook is ``url(partner:)``.
    static func start(logger: Logger) async throws -> WebhookReceiver {
        let inbox = Inbox()
        let router = Router()
        router.post("/hooks/:partner") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let receivedAt = RealtimeClock.microseconds()
            let offer = try? TaskOffered.decodedJSON(Data(buffer: body))
            let key = HTTPField.Name("Idempotency-Key").flatMap { request.headers[$0] }
            inbox.add(Delivery(partner: try context.parameters.require("partner"), offerId: offer?.offerId,
                               taskId: offer?.taskId, idempotencyKey: key, receivedAt: receivedAt))
            return .ok
        }
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: 0)
        let application = endpoint.application(router: router, name: "bench-partners", logger: logger)
        // A group of its own, without signal handlers (the bench process is no service), so
        // stopping is a graceful shutdown rather than a cancellation.
        let group = ServiceGroup(configuration: .init(services: [.init(service: application)], logger: logger))
        let server = Task { try await group.run() }
        do {
            let port = try await endpoint.waitForPort()
            return WebhookReceiver(port: port, inbox: inbox, group: group, server: server)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }

    func url(partner: String) -> String { "http://127.0.0.1:\(port)/hooks/\(partner)" }

    var count: Int { inbox.deliveries.withLock { $0.count } }
    var all: [Delivery] { inbox.deliveries.withLock { $0 } }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await server.result
    }

    /// Where the route appends, shared by the route and the receiver.
    private final class Inbox: Sendable {
        let deliveries = Mutex<[Delivery]>([])
        func add(_ delivery: Delivery) { deliveries.withLock { $0.append(delivery) } }
    }
}

/// Wall-clock time in µs since 1970, as wrk's Lua reads it (`clock_gettime(CLOCK_REALTIME)`).
enum RealtimeClock {
    static func microseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}
