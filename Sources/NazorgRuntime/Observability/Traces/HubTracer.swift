import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// How a span relates to the spans around it (OpenTelemetry's span kinds).
public enum TraceSpanKind: Sendable {
    case server, client, producer, consumer, `internal`

    var otel: SpanKind {
        switch self {
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        case .internal: .internal
        }
    }
}

/// The tracer one service records its spans with, through swift-distributed-tracing, exported
/// by swift-otel over OTLP/HTTP.
///
/// Every service gets its own from ``make(_:service:logger:)`` and passes it to what it builds,
/// rather than bootstrapping the process-wide `InstrumentationSystem`: the demo and the tests
/// run several services in one process, each with its own `service.name`, or some with tracing
/// and some without. ``off`` records nothing: a span costs one branch and a closure call.
///
/// While a span is open, ``TraceParent/child()`` in the same task returns it, so the records
/// and requests the span's work produces carry it as their parent.
public struct HubTracer: Sendable {
    private let backend: (any Tracer)?
    private let fixed: [TraceAttribute]

    /// No tracing.
    public static let off = HubTracer(backend: nil, fixed: [])

    public var isEnabled: Bool { backend != nil }

    private init(backend: (any Tracer)?, fixed: [TraceAttribute]) {
        self.backend = backend
        self.fixed = fixed
    }

    /// The same tracer, whose spans also name the partner (adapters run one consumer per partner).
    public func forPartner(_ id: String) -> HubTracer {
        HubTracer(backend: backend, fixed: fixed + [.partner(id)])
    }

    /// The tracer of `service` and, when tracing is on, the service that exports its spans: run
    /// it before the service's other parts, so that it stops after them and sends their last spans.
    public static func make(_ configuration: TracingConfiguration, service: String,
                            logger: Logger) throws -> (tracer: HubTracer, exporter: (any Service)?) {
        guard configuration.enabled else { return (.off, nil) }
        var otel = OTel.Configuration.default
        otel.serviceName = configuration.serviceName(for: service)
        // swift-otel's own messages go to the service's JSON log, at warning and above whatever
        // OTEL_LOG_LEVEL says, and without the values it attaches: it names every environment
        // value it applies or refuses, headers (credentials) included.
        otel.diagnosticLogger = .custom(Logger(label: logger.label) { _ in OTelDiagnosticsHandler(target: logger) })
        otel.diagnosticLogLevel = .warning
        otel.propagators = [.traceContext]
        otel.logs.enabled = false
        otel.metrics.enabled = false
        otel.traces.exporter = .otlp
        otel.traces.otlpExporter.endpoint = configuration.endpoint
        otel.traces.otlpExporter.protocol = configuration.wireFormat == .json ? .httpJSON : .httpProtobuf
        let backend: (factory: any Tracer, service: any Service)
        do {
            let made = try OTel.makeTracingBackend(configuration: otel)
            backend = (made.factory, made.service)
        } catch {
            throw ConfigurationError("traces: the OTLP exporter could not be set up (\(type(of: error)))")
        }
        logger.info("traces exported with OTLP", metadata: [
            "otel.service.name": .string(otel.serviceName),
            "otel.exporter.host": .string(URL(string: configuration.endpoint)?.host ?? "?"),
            "otel.exporter.protocol": .string(configuration.wireFormat.rawValue),
        ])
        return (HubTracer(backend: backend.factory, fixed: [.service(service)]), backend.service)
    }

    /// Runs `body` in a span named `name`.
    ///
    /// - Parameters:
    ///   - parent: the trace this span continues. Nil, or a trace the span open in this task
    ///     belongs to: a child of that span. Another trace: a child of `parent`, linked to the
    ///     span open in this task.
    ///   - links: spans in other traces this one relates to.
    ///   - attributes: evaluated only when tracing is on, like `links`, so a span that records
    ///     nothing builds nothing.
    /// - Returns: what `body` returns. When `body` throws, the span records the error's type
    ///   (never its text) and an error status, and the error is rethrown.
    public func withSpan<T>(_ name: String, kind: TraceSpanKind = .internal, continuing parent: TraceParent? = nil,
                            links: @autoclosure () -> [TraceParent] = [], attributes: @autoclosure () -> [TraceAttribute] = [],
                            _ body: (TraceSpan) async throws -> T) async rethrows -> T {
        guard let backend else { return try await body(.off) }
        return try await Self.record(in: backend, name, kind: kind, parent: parent, links: links(),
                                     attributes: fixed + attributes(), body)
    }

    private static func record<Backend: Tracer, T>(in backend: Backend, _ name: String, kind: TraceSpanKind,
                                                   parent: TraceParent?, links: [TraceParent], attributes: [TraceAttribute],
                                                   _ body: (TraceSpan) async throws -> T) async rethrows -> T {
        var context = InstrumentationContext.current ?? .topLevel
        var links = links
        let current = TraceParent.currentSpan
        if let parent, current.map({ !$0.isSameTrace(as: parent) }) ?? true {
            if let current { links.append(current) }
            context = Self.context(of: parent, in: backend)
        }
        let span = backend.startSpan(name, context: context, ofKind: kind.otel)
        defer { span.end() }
        span.updateAttributes { all in
            for attribute in attributes { attribute.apply(to: &all) }
        }
        for link in links {
            span.addLink(SpanLink(context: Self.context(of: link, in: backend), attributes: [:]))
        }
        var carrier: [String: String] = [:]
        backend.inject(span.context, into: &carrier, using: HeaderMap())
        let handle = TraceSpan(span: span, trace: carrier["traceparent"].flatMap(TraceParent.init)) { trace in
            span.addLink(SpanLink(context: Self.context(of: trace, in: backend), attributes: [:]))
        }
        do {
            return try await InstrumentationContext.$current.withValue(span.context) {
                try await TraceSpan.$current.withValue(handle) {
                    try await body(handle)
                }
            }
        } catch {
            handle.fail(errorType: String(describing: type(of: error)))
            throw error
        }
    }

    /// A context whose span is the remote span `trace` names.
    private static func context<Backend: Tracer>(of trace: TraceParent, in backend: Backend) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        backend.extract(["traceparent": trace.description], into: &context, using: HeaderMap())
        return context
    }
}

/// An open span, as the work inside it sees it.
public struct TraceSpan: Sendable {
    let span: (any Span)?
    /// This span as a `traceparent`: what a record or request it produces carries as parent.
    /// Nil when tracing is off.
    public let trace: TraceParent?
    private let addLink: (@Sendable (TraceParent) -> Void)?

    init(span: (any Span)?, trace: TraceParent?, addLink: (@Sendable (TraceParent) -> Void)? = nil) {
        self.span = span
        self.trace = trace
        self.addLink = addLink
    }

    /// The span of work that records nothing (tracing off).
    static let off = TraceSpan(span: nil, trace: nil)

    /// Whether this span is recorded (tracing on); work done only for the span can be skipped otherwise.
    public var isRecording: Bool { span != nil }

    /// Links this span to a span of another trace.
    public func link(to trace: TraceParent) {
        addLink?(trace)
    }

    /// The span ``HubTracer`` has open in this task, if any.
    @TaskLocal static var current: TraceSpan?

    /// Adds attributes, from the allowed list only.
    public func set(_ attributes: TraceAttribute...) {
        guard let span else { return }
        span.updateAttributes { all in
            for attribute in attributes { attribute.apply(to: &all) }
        }
    }

    /// Names the span more precisely once that is known (a server span's route).
    public func rename(_ name: String) {
        span?.operationName = name
    }

    /// Marks the span failed, with a code (an error type, a reason), never an error's text.
    public func fail(errorType code: String) {
        guard let span else { return }
        set(.errorType(code))
        span.setStatus(SpanStatus(code: .error))
    }
}

extension TraceAttribute {
    func apply(to attributes: inout SpanAttributes) {
        switch value {
        case .text(let text): attributes.set(key.rawValue, value: .string(MetricLabel.value(text)))
        case .number(let number): attributes.set(key.rawValue, value: .int64(number))
        }
    }
}

/// Headers as a dictionary, for the tracer's W3C propagator.
private struct HeaderMap: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

/// Passes swift-otel's diagnostics to the service's log: warnings and errors only, whatever
/// level `OTEL_LOG_LEVEL` asks for, and of their metadata only the keys known to hold no
/// value from the environment (swift-otel attaches the raw value of a variable it applies or
/// refuses, such as `OTEL_EXPORTER_OTLP_HEADERS` with its credentials).
struct OTelDiagnosticsHandler: LogHandler {
    static let keptKeys: Set<String> = ["environment_key", "hint"]

    let target: Logger
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= .warning else { return }
        let kept = metadata.merging(event.metadata ?? [:]) { $1 }.filter { Self.keptKeys.contains($0.key) }
        target.log(level: event.level, event.message, metadata: kept, source: event.source, file: event.file,
                   function: event.function, line: event.line)
    }
}
