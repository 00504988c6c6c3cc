import Foundation
import NazorgRuntime
import Testing

@Suite struct TracingConfigurationTests {
    @Test func tracingIsOffUnlessAskedFor() throws {
        #expect(try TracingConfiguration.resolve(otlpEndpoint: nil, environment: [:]) == .off)
        // A collector address alone (set for other programs, say) does not switch traces on.
        #expect(try TracingConfiguration.resolve(otlpEndpoint: nil,
                                                 environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]) == .off)
        #expect(try TracingConfiguration.resolve(otlpEndpoint: nil, environment: ["OTEL_TRACES_EXPORTER": "none"]) == .off)
        // Switched off, the other variables are nobody's business.
        #expect(try TracingConfiguration.resolve(otlpEndpoint: nil, environment: ["OTEL_TRACES_SAMPLER": "sometimes"]) == .off)
    }

    @Test func theFlagSwitchesTracesOnToTheCollectorsTracesPath() throws {
        let configuration = try TracingConfiguration.resolve(otlpEndpoint: "http://collector:4318", environment: [:])
        #expect(configuration.enabled)
        #expect(configuration.endpoint == "http://collector:4318/v1/traces")
        #expect(configuration.wireFormat == .protobuf)
        #expect(configuration.serviceName(for: "filter") == "nazorg-hub-filter")
        let slash = try TracingConfiguration.resolve(otlpEndpoint: "https://collector.example/otlp/", environment: [:])
        #expect(slash.endpoint == "https://collector.example/otlp/v1/traces")
    }

    @Test func theStandardVariablesSwitchTracesOn() throws {
        let shared = try TracingConfiguration.resolve(otlpEndpoint: nil, environment: [
            "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_SERVICE_NAME": "hub-acceptance",
        ])
        #expect(shared.enabled)
        #expect(shared.endpoint == "http://collector:4318/v1/traces")
        #expect(shared.wireFormat == .json)
        #expect(shared.serviceName(for: "filter") == "hub-acceptance")
        let specific = try TracingConfiguration.resolve(otlpEndpoint: nil, environment: [
            "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:9999/custom",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
        ])
        #expect(specific.endpoint == "http://traces:9999/custom")
        #expect(specific.wireFormat == .protobuf)
        let defaults = try TracingConfiguration.resolve(otlpEndpoint: nil, environment: ["OTEL_TRACES_EXPORTER": "otlp"])
        #expect(defaults.endpoint == "http://localhost:4318/v1/traces")
    }

    @Test func theSDKSwitchTurnsTracesOff() throws {
        #expect(try TracingConfiguration.resolve(otlpEndpoint: nil,
                                                 environment: ["OTEL_SDK_DISABLED": "TRUE", "OTEL_TRACES_EXPORTER": "otlp"]) == .off)
    }

    @Test(arguments: [
        (nil, ["OTEL_TRACES_EXPORTER": "jaeger"], "OTEL_TRACES_EXPORTER"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_PROTOCOL"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"], "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"),
        ("collector:4318", [:], "--otlp-endpoint"),
        ("ftp://collector", [:], "--otlp-endpoint"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "not a url"], "OTEL_EXPORTER_OTLP_ENDPOINT"),
        ("http://collector:4318", ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://other:4318"], "not both"),
        ("http://collector:4318", ["OTEL_TRACES_EXPORTER": "none"], "OTEL_TRACES_EXPORTER=none"),
        ("http://collector:4318", ["OTEL_SDK_DISABLED": "true"], "OTEL_SDK_DISABLED"),
        (nil, ["OTEL_SDK_DISABLED": "yes"], "OTEL_SDK_DISABLED"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_TRACES_SAMPLER": "sometimes"], "OTEL_TRACES_SAMPLER"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"],
         "OTEL_TRACES_SAMPLER_ARG"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_PROPAGATORS": "b3"], "OTEL_PROPAGATORS"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_BSP_SCHEDULE_DELAY": "-5"], "OTEL_BSP_SCHEDULE_DELAY"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_COMPRESSION": "brotli"], "OTEL_EXPORTER_OTLP_COMPRESSION"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_SERVICE_NAME": " "], "OTEL_SERVICE_NAME"),
        (nil, ["OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"],
         "OTEL_EXPORTER_OTLP_CERTIFICATE"),
    ] as [(String?, [String: String], String)])
    func aWrongOrConflictingSettingStopsStartUpNamingIt(flag: String?, environment: [String: String], named: String) {
        #expect {
            try TracingConfiguration.resolve(otlpEndpoint: flag, environment: environment)
        } throws: { error in
            (error as? ConfigurationError)?.message.contains(named) == true
        }
    }

    /// Exporter headers carry credentials: a malformed one is named, never repeated.
    @Test func aMalformedHeaderIsNamedButNotRepeated() {
        #expect {
            try TracingConfiguration.resolve(otlpEndpoint: nil, environment: [
                "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_HEADERS": "Authorization Bearer s3cret-token",
            ])
        } throws: { error in
            let message = (error as? ConfigurationError)?.message ?? ""
            return message.contains("OTEL_EXPORTER_OTLP_HEADERS") && !message.contains("s3cret")
        }
        #expect(throws: ConfigurationError.self) {
            try TracingConfiguration.resolve(otlpEndpoint: "http://user:s3cret@collector:4318", environment: [:])
        }
    }

    /// The example collector keeps exactly the attributes spans may carry.
    @Test func theExampleCollectorKeepsExactlyTheAllowedAttributes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try String(contentsOf: root.appendingPathComponent("deploy/otel-collector/collector.yaml"), encoding: .utf8)
        let line = try #require(config.split(separator: "\n").first { $0.contains("keep_keys(attributes,") })
        let list = try #require(line.split(separator: "[").last?.split(separator: "]").first)
        let kept = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        #expect(Set(kept) == Set(TraceAttribute.Key.allCases.map(\.rawValue)))
        #expect(kept.count == TraceAttribute.Key.allCases.count)
    }
}
