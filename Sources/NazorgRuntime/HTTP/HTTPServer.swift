import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Where a service listens, and the port it actually got (port 0 picks a free one).
public final class HTTPEndpoint: Sendable {
    public let host: String
    public let requestedPort: Int
    private let bound = Mutex<Int?>(nil)

    public init(host: String, port: Int) {
        self.host = host
        self.requestedPort = port
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

    /// Builds the Hummingbird application serving `router` on this endpoint.
    public func application<Context: RequestContext>(router: Router<Context>, name: String, logger: Logger) -> some Service
        where Context.Source == ApplicationRequestContextSource {
        Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: requestedPort), serverName: name),
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                self.bound.withLock { $0 = port }
                logger.info("http server listening", metadata: ["http.host": .string(self.host), "http.port": "\(port ?? -1)"])
            },
            logger: logger
        )
    }
}
