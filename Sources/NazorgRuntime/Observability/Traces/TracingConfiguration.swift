import Foundation

/// Whether and where a service exports its spans. Off unless asked for; read once at start-up.
///
/// On with `--otlp-endpoint URL` (the collector's base URL) or with the standard
/// `OTEL_TRACES_EXPORTER=otlp`, which exports to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as
/// is), else `OTEL_EXPORTER_OTLP_ENDPOINT` (with `/v1/traces` added), else
/// `http://localhost:4318`. Spans travel as OTLP over HTTP, protobuf unless
/// `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL=http/json`; this build has no gRPC exporter.
/// `OTEL_SERVICE_NAME` replaces the default `service.name`, `nazorg-hub-<service>`.
///
/// swift-otel reads the other standard variables itself (sampler, batching, headers,
/// compression, timeout, TLS files, resource attributes); ``resolve(otlpEndpoint:environment:)``
/// checks them first, so a bad value stops the service with a message naming the variable
/// instead of being skipped with a warning. Messages never repeat a value: headers carry
/// credentials.
public struct TracingConfiguration: Sendable, Equatable {
    /// How spans are encoded on the wire.
    public enum WireFormat: String, Sendable, Equatable {
        case protobuf = "http/protobuf"
        case json = "http/json"
    }

    /// The collector OpenTelemetry's defaults name.
    public static let defaultCollector = "http://localhost:4318"

    public var enabled: Bool
    /// The full URL spans are POSTed to, `…/v1/traces` included.
    public var endpoint: String
    public var wireFormat: WireFormat
    /// `service.name` of every span; nil gives `nazorg-hub-<service>`.
    public var serviceName: String?

    /// No exporter, no spans: the hub as it is without tracing (the `traceparent` headers flow still).
    public static let off = TracingConfiguration(enabled: false, endpoint: tracesURL(base: defaultCollector),
                                                 wireFormat: .protobuf, serviceName: nil)

    /// Tracing on, exporting to `endpoint` (the full traces URL).
    public init(endpoint: String, wireFormat: WireFormat = .protobuf, serviceName: String? = nil) {
        self.init(enabled: true, endpoint: endpoint, wireFormat: wireFormat, serviceName: serviceName)
    }

    init(enabled: Bool, endpoint: String, wireFormat: WireFormat, serviceName: String?) {
        self.enabled = enabled
        self.endpoint = endpoint
        self.wireFormat = wireFormat
        self.serviceName = serviceName
    }

    /// The `service.name` of `service`'s spans.
    public func serviceName(for service: String) -> String { serviceName ?? "nazorg-hub-\(service)" }

    /// The configuration the flag and the environment give.
    ///
    /// - Parameter otlpEndpoint: `--otlp-endpoint`, the collector's base URL.
    /// - Throws: ``ConfigurationError`` naming the flag or variable that is wrong or in conflict.
    public static func resolve(otlpEndpoint flag: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TracingConfiguration {
        let env = environment
        let disabled = try env["OTEL_SDK_DISABLED"].map { value -> Bool in
            switch value.lowercased() {
            case "true": return true
            case "false", "": return false
            default: throw ConfigurationError("OTEL_SDK_DISABLED must be true or false")
            }
        } ?? false
        let exporter = env["OTEL_TRACES_EXPORTER"].map { $0.trimmingCharacters(in: .whitespaces) }
        switch exporter {
        case nil, "otlp", "none": break
        default:
            throw ConfigurationError("OTEL_TRACES_EXPORTER must be otlp or none: this build exports traces with OTLP only")
        }
        if flag != nil, disabled {
            throw ConfigurationError("--otlp-endpoint asks for traces but OTEL_SDK_DISABLED=true turns them off; drop one of the two")
        }
        if flag != nil, exporter == "none" {
            throw ConfigurationError("--otlp-endpoint asks for traces but OTEL_TRACES_EXPORTER=none turns them off; drop one of the two")
        }
        guard !disabled, flag != nil || exporter == "otlp" else { return .off }

        let endpoint: String
        let sharedKey = "OTEL_EXPORTER_OTLP_ENDPOINT", tracesKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
        if let flag {
            if env[sharedKey] != nil || env[tracesKey] != nil {
                throw ConfigurationError("give the collector either with --otlp-endpoint or with \(sharedKey) or \(tracesKey), not both")
            }
            endpoint = tracesURL(base: try checkedURL(flag, name: "--otlp-endpoint"))
        } else if let full = env[tracesKey] {
            endpoint = try checkedURL(full, name: tracesKey)
        } else if let base = env[sharedKey] {
            endpoint = tracesURL(base: try checkedURL(base, name: sharedKey))
        } else {
            endpoint = tracesURL(base: defaultCollector)
        }

        let protocolKey = env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] != nil ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
                                                                           : "OTEL_EXPORTER_OTLP_PROTOCOL"
        var wireFormat = WireFormat.protobuf
        if let value = env[protocolKey] {
            guard let format = WireFormat(rawValue: value) else {
                throw ConfigurationError("\(protocolKey) must be http/protobuf or http/json: this build exports OTLP over HTTP only, not gRPC")
            }
            wireFormat = format
        }
        let serviceName = env["OTEL_SERVICE_NAME"]
        if let serviceName, serviceName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigurationError("OTEL_SERVICE_NAME is set but empty")
        }
        try checkPassedThrough(env)
        return TracingConfiguration(enabled: true, endpoint: endpoint, wireFormat: wireFormat, serviceName: serviceName)
    }

    /// `base` with the OTLP traces path, as OpenTelemetry adds it to a base endpoint.
    static func tracesURL(base: String) -> String {
        base.hasSuffix("/") ? base + "v1/traces" : base + "/v1/traces"
    }

    private static func checkedURL(_ value: String, name: String) throws -> String {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw ConfigurationError("\(name) must be an http:// or https:// URL with a host, such as http://otel-collector:4318")
        }
        guard url.user == nil, url.password == nil else {
            throw ConfigurationError("\(name) must not hold credentials; give them with OTEL_EXPORTER_OTLP_HEADERS")
        }
        return value
    }

    /// The standard variables swift-otel reads by itself, checked so that a bad one stops the
    /// service rather than being skipped with a warning.
    private static func checkPassedThrough(_ env: [String: String]) throws {
        let samplers = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
                        "parentbased_traceidratio"]
        if let sampler = env["OTEL_TRACES_SAMPLER"], !samplers.contains(sampler) {
            throw ConfigurationError("OTEL_TRACES_SAMPLER must be one of \(samplers.joined(separator: ", "))")
        }
        if let argument = env["OTEL_TRACES_SAMPLER_ARG"] {
            guard let ratio = Double(argument), (0...1).contains(ratio) else {
                throw ConfigurationError("OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1")
            }
        }
        // The hub reads and writes W3C `traceparent` headers itself, through the tracer.
        if let propagators = env["OTEL_PROPAGATORS"], propagators != "tracecontext" {
            throw ConfigurationError("OTEL_PROPAGATORS must be tracecontext: the hub propagates W3C trace context only")
        }
        for key in ["OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"] {
            if let value = env[key], value != "gzip", value != "none" {
                throw ConfigurationError("\(key) must be gzip or none")
            }
        }
        for key in ["OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_BSP_SCHEDULE_DELAY",
                    "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] {
            if let value = env[key], Int(value).map({ $0 < 0 }) ?? true {
                throw ConfigurationError("\(key) must be a whole number, 0 or more")
            }
        }
        for key in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_RESOURCE_ATTRIBUTES"] {
            guard let value = env[key], !value.isEmpty else { continue }
            let pairs = value.split(separator: ",", omittingEmptySubsequences: false)
            guard pairs.allSatisfy({ pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return parts.count == 2 && !parts[0].trimmingCharacters(in: .whitespaces).isEmpty
            }) else {
                throw ConfigurationError("\(key) must be a comma-separated list of key=value pairs")
            }
        }
        for key in ["OTEL_EXPORTER_OTLP_CERTIFICATE", "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
                    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
                    "OTEL_EXPORTER_OTLP_CLIENT_KEY", "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY"] {
            if let path = env[key], !FileManager.default.isReadableFile(atPath: path) {
                throw ConfigurationError("\(key) names a file that cannot be read")
            }
        }
    }
}
