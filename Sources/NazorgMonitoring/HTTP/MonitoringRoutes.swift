import Foundation
import Hummingbird
import Logging
import NazorgRuntime

/// The dashboard, the summary API and the read model's metrics, all read from the store.
struct MonitoringRoutes: Sendable {
    let store: any MonitoringStore
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            let page = DashboardPage.render(try await summary(), generatedAt: Date())
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        router.get("/api/v1/summary") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = try encoder.encode(try await summary())
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(data: body)))
        }
    }

    /// Sets the read model's metrics from the store; runs before every export of `/metrics`.
    @Sendable func refreshMetrics() async throws {
        MonitoringMetrics.shared.update(from: try await summary())
    }

    private func summary() async throws -> MonitoringSummary {
        do {
            return try await store.summary()
        } catch {
            logger.error("read model unavailable", metadata: ["error": "\(type(of: error))"])
            throw ProblemDetails(type: "urn:nazorg-hub:problem:read-model-unavailable", title: "The read model is unavailable",
                                 status: .serviceUnavailable, detail: "The monitoring data cannot be read right now; retry later.")
        }
    }
}
