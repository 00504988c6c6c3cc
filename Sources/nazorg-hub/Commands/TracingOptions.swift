import ArgumentParser
import NazorgRuntime

/// The tracing flag every service command shares; the standard `OTEL_*` variables do the rest
/// (see `TracingConfiguration`).
struct TracingOptions: ParsableArguments {
    @Option(name: .customLong("otlp-endpoint"),
            help: "Export traces with OTLP/HTTP to this collector (its base URL, e.g. http://127.0.0.1:4318). Default: off, unless OTEL_TRACES_EXPORTER=otlp.")
    var otlpEndpoint: String?

    /// The tracing the flag and the environment ask for; a wrong or conflicting setting stops
    /// the command with a message naming it.
    func configuration() throws -> TracingConfiguration {
        do {
            return try TracingConfiguration.resolve(otlpEndpoint: otlpEndpoint)
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
    }
}
