import Hummingbird

/// `GET /metrics`: the process's metrics in the Prometheus text format, for scraping.
///
/// Every service serves it through ``HTTPEndpoint/application(router:name:logger:service:tracer:refreshMetrics:)``.
public enum MetricsRoutes {
    public static let path = "/metrics"
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds `GET /metrics`. `refresh` runs before each export, for figures read from
    /// somewhere else at scrape time (monitoring's read model); an error it throws is the answer.
    public static func add<Context: RequestContext>(to router: Router<Context>,
                                                    refresh: (@Sendable () async throws -> Void)? = nil) {
        MetricsBootstrap.bootstrap()
        router.get(RouterPath(path)) { _, _ in
            try await refresh?()
            return Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: MetricsBootstrap.exposition())))
        }
    }
}
