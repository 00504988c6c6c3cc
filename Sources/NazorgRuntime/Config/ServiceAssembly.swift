import ServiceLifecycle

/// One hub service ready to run: its long-running parts and its HTTP endpoint.
///
/// `services` is in start order; a `ServiceGroup` stops them in reverse, so producers come
/// first (stop last) and the HTTP server comes last (stops first).
public struct ServiceAssembly: Sendable {
    public let name: String
    public let endpoint: HTTPEndpoint
    public let services: [any Service]

    public init(name: String, endpoint: HTTPEndpoint, services: [any Service]) {
        self.name = name
        self.endpoint = endpoint
        self.services = services
    }
}
