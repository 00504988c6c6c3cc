import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A collector in the test: accepts OTLP/HTTP protobuf exports on `POST /v1/traces` on a free
/// loopback port and keeps every request's raw bytes, so a test can decode the spans and
/// also search the bytes for values that must never be exported.
public final class OTLPReceiver: Sendable {
    private let requests = Mutex<[[UInt8]]>([])
    private let boundPort = Mutex<Int?>(nil)
    private let group = Mutex<ServiceGroup?>(nil)

    public init() {}

    /// Starts listening; returns the base URL to give an exporter (`http://127.0.0.1:<port>`).
    public func start(timeout: Duration = .seconds(30)) async throws -> String {
        let router = Router()
        router.post("/v1/traces") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            self.requests.withLock { $0.append(Array(buffer: body)) }
            // An empty ExportTraceServiceResponse: full success.
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer()))
        }
        var logger = Logger(label: "otlp-receiver")
        logger.logLevel = .error
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { [self] channel in self.boundPort.withLock { $0 = channel.localAddress?.port } },
                                      logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        self.group.withLock { $0 = group }
        Task { try await group.run() }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = boundPort.withLock({ $0 }) { return "http://127.0.0.1:\(port)" }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProtoError("the OTLP receiver did not start")
    }

    /// Stops listening.
    public func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// How many export requests arrived.
    public var requestCount: Int { requests.withLock { $0.count } }

    /// Every byte every export request carried.
    public var rawBytes: [UInt8] { requests.withLock { $0.flatMap { $0 } } }

    /// Every span exported so far.
    public func spans() throws -> [ExportedSpan] {
        try requests.withLock { $0 }.flatMap { try ExportedSpan.decode(request: $0) }
    }
}

extension Array where Element == UInt8 {
    /// Whether `text`'s UTF-8 bytes occur in this array.
    public func contains(text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
