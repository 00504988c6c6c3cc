import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Where a service listens, and the port it actually got (port 0 picks a free one).
public final class HTTPEndpoint: Sendable {
    public let host: String
    public let requestedPort: Int
    /// How long the server waits for slow or stalled clients.
    public let timeouts: HTTPServerTimeouts
    private let bound = Mutex<Int?>(nil)

    public init(host: String, port: Int, timeouts: HTTPServerTimeouts = HTTPServerTimeouts()) {
        self.host = host
        self.requestedPort = port
        self.timeouts = timeouts
    }

    /// The bound port once the server runs.
    public var port: Int? { bound.withLock { $0 } }

    /// Waits until the server is bound and returns its port.
    public func waitForPort(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ConfigurationError("the HTTP server on \(host):\(requestedPort) did not start")
    }

    /// Builds the Hummingbird application serving `router` on this endpoint, with the
    /// endpoint's ``timeouts`` on every connection, `GET /metrics` (``MetricsRoutes``),
    /// every request counted and timed (``HTTPMetricsMiddleware``) and, when `tracer` is on,
    /// every API request served in a server span (``TracingMiddleware``).
    ///
    /// - Parameters:
    ///   - service: the `service` label of the HTTP metrics; by default `name` without its
    ///     `nazorg-hub-` or `nazorg-` prefix, which gives every hub service its short name.
    ///   - refreshMetrics: runs before each export of `/metrics` (see ``MetricsRoutes``).
    public func application<Context: RequestContext>(router: Router<Context>, name: String, logger: Logger,
                                                     service: String? = nil, tracer: HubTracer = .off,
                                                     refreshMetrics: (@Sendable () async throws -> Void)? = nil) -> some Service
        where Context.Source == ApplicationRequestContextSource {
        let timeouts = self.timeouts
        MetricsRoutes.add(to: router, refresh: refreshMetrics)
        // Around the built router rather than on it: Hummingbird wraps only the routes added
        // after a router middleware, and the services add theirs before they get here.
        let traced = MiddlewareResponder(middleware: TracingMiddleware<Context>(tracer: tracer), wrapped: router.buildResponder())
        let responder = MiddlewareResponder(middleware: HTTPMetricsMiddleware<Context>(service: service ?? Self.serviceName(name)),
                                            wrapped: traced)
        return Application(
            responder: responder,
            server: .http1(configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestReadDeadlineHandler(limit: timeouts.requestRead, logger: logger)],
                idleTimeout: TimeAmount(timeouts.idle))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: requestedPort), serverName: name),
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                self.bound.withLock { $0 = port }
                logger.info("http server listening", metadata: ["http.host": .string(self.host), "http.port": "\(port ?? -1)"])
            },
            logger: logger
        )
    }

    /// `nazorg-hub-adapters` and `nazorg-planning` both give their service's short name.
    static func serviceName(_ serverName: String) -> String {
        for prefix in ["nazorg-hub-", "nazorg-"] where serverName.hasPrefix(prefix) {
            return String(serverName.dropFirst(prefix.count))
        }
        return serverName
    }
}
