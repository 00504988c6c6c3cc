import Logging
@testable import NazorgRuntime
import Synchronization
import Testing

/// swift-otel names the raw value of every environment variable it applies or refuses; the
/// service's log must get its warnings without those values, and nothing below warning.
@Suite struct OTelDiagnosticsTests {
    @Test func swiftOTelWarningsReachTheLogWithoutEnvironmentValues() {
        let captured = CapturedLines()
        let target = Logger(label: "service") { _ in CapturingHandler(lines: captured) }
        var diagnostics = Logger(label: "otel") { _ in OTelDiagnosticsHandler(target: target) }
        // What OTEL_LOG_LEVEL=debug does to swift-otel's logger.
        diagnostics.logLevel = .debug
        diagnostics[metadataKey: "environment_key"] = "OTEL_EXPORTER_OTLP_HEADERS"
        diagnostics[metadataKey: "environment_value"] = "Authorization=Bearer sentinel-secret-4711"
        diagnostics[metadataKey: "previous_value"] = "sentinel-secret-4711"
        diagnostics.info("Configuration updated from environment", metadata: ["new_value": "sentinel-secret-4711"])
        diagnostics.warning("Failed to update configuration from environment",
                            metadata: ["new_value": "sentinel-secret-4711", "hint": "key=value pairs"])
        let lines = captured.lines.withLock { $0 }
        #expect(lines.count == 1, "only the warning passes")
        #expect(lines.first?.message == "Failed to update configuration from environment")
        #expect(lines.first?.metadata["environment_key"] == "OTEL_EXPORTER_OTLP_HEADERS")
        #expect(lines.first?.metadata["hint"] == "key=value pairs")
        #expect(!lines.contains { "\($0.message) \($0.metadata)".contains("sentinel-secret-4711") })
    }
}

private final class CapturedLines: Sendable {
    let lines = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
}

private struct CapturingHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.lines.withLock { $0.append((event.message.description, all)) }
    }
}
