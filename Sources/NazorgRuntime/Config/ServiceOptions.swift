import Foundation
import Logging
import NazorgKafka
import ServiceLifecycle

/// Settings every service shares, read once at start-up.
public struct ServiceOptions: Sendable {
    public var kafka: KafkaConfiguration
    /// Where the service's HTTP API listens.
    public var host: String
    public var port: Int
    /// Where stateful services keep their SQLite files.
    public var dataDirectory: String
    /// The consumer-group prefix; a service's group is `<prefix>.<service>`.
    public var groupPrefix: String
    /// Who may call the service's API; nil leaves the API open (development and the demo only).
    public var callers: CallerTokens?
    /// How long the HTTP API waits for slow or stalled clients (defaults: 15 s idle, 20 s to
    /// read one request).
    public var httpTimeouts: HTTPServerTimeouts
    /// Whether and where the service exports spans (off by default).
    public var traces: TracingConfiguration
    /// The data keys that seal personal members on the hub's topics (``SubjectSealing``),
    /// shared by every service of one hub; nil leaves them readable.
    public var subjectKeys: SubjectKeyStore?

    public init(kafka: KafkaConfiguration, host: String = "127.0.0.1", port: Int, dataDirectory: String = "data",
                groupPrefix: String = "nazorg", callers: CallerTokens? = nil,
                httpTimeouts: HTTPServerTimeouts = HTTPServerTimeouts(), traces: TracingConfiguration = .off,
                subjectKeys: SubjectKeyStore? = nil) {
        self.subjectKeys = subjectKeys
        self.traces = traces
        self.callers = callers
        self.httpTimeouts = httpTimeouts
        self.kafka = kafka
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.groupPrefix = groupPrefix
    }

    /// The path of a file in the data directory, creating the directory when missing.
    public func dataFile(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        return (dataDirectory as NSString).appendingPathComponent(name)
    }

    /// The tracer of `service` and what must run first for it: the span exporter when tracing
    /// is on, nothing when it is off.
    public func makeTracer(for service: String, logger: Logger) throws -> (tracer: HubTracer, services: [any Service]) {
        let (tracer, exporter) = try HubTracer.make(traces, service: service, logger: logger)
        return (tracer, exporter.map { [$0] } ?? [])
    }

    /// A publisher for this service that seals what the options say.
    public func publisher(_ producer: KafkaProducer, source: String) -> EventPublisher {
        EventPublisher(producer: producer, source: source, sealing: subjectKeys.map(SubjectSealing.init))
    }

    /// The consumer group of one service.
    public func group(_ service: String) -> String { "\(groupPrefix).\(service)" }
}
