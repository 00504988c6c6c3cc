import ArgumentParser
import Foundation
import Logging
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// Flags every service command shares. Kafka security settings come from the environment
/// (see `KafkaConfiguration`), never from flags, so secrets stay out of process listings.
struct CommonServiceOptions: ParsableArguments {
    @Option(name: .long, help: "Kafka bootstrap servers (host:port,...). Default: $NAZORG_KAFKA_BOOTSTRAP.")
    var kafka: String?

    @Option(name: .long, help: "Address the HTTP API listens on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port of the HTTP API (0 picks a free port).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory for the service's SQLite state.")
    var dataDirectory = "data"

    @Option(name: .customLong("group-prefix"), help: "Prefix of the Kafka consumer groups.")
    var groupPrefix = "nazorg"

    @Option(name: .long, help: "Caller token file (YAML, token hashes and scopes). Default: $NAZORG_API_TOKENS_FILE; without one the API is open.")
    var tokens: String?

    @Option(name: .customLong("subject-keys"), help: ArgumentHelp(
        "The hub's subject key store (SQLite; one file shared by intake, planning, filter and adapters). Personal fields on the hub's topics are sealed under its keys, and erasure deletes them. Default: $NAZORG_SUBJECT_KEYS; without one they travel readable.",
        valueName: "file"))
    var subjectKeys: String?

    @OptionGroup var tracing: TracingOptions

    func serviceOptions(service: String, defaultPort: Int) throws -> ServiceOptions {
        guard let bootstrap = kafka ?? ProcessInfo.processInfo.environment["NAZORG_KAFKA_BOOTSTRAP"], !bootstrap.isEmpty else {
            throw ValidationError("Give the Kafka bootstrap servers with --kafka or NAZORG_KAFKA_BOOTSTRAP.")
        }
        let config = try KafkaConfiguration.fromEnvironment(bootstrapServers: bootstrap, clientID: "nazorg-\(service)")
        let callers = try (tokens ?? ProcessInfo.processInfo.environment["NAZORG_API_TOKENS_FILE"]).map(CallerTokens.init(contentsOf:))
        let keys = try (subjectKeys ?? ProcessInfo.processInfo.environment["NAZORG_SUBJECT_KEYS"])
            .flatMap { $0.isEmpty ? nil : $0 }.map(SubjectKeyStore.init(path:))
        if keys == nil, service != "monitoring" {
            makeLogger("nazorg.\(service)").warning("no subject key store (--subject-keys): personal fields on the hub's topics are not sealed, and erasure cannot reach their copies there")
        }
        return ServiceOptions(kafka: config, host: host, port: port ?? defaultPort, dataDirectory: dataDirectory,
                              groupPrefix: groupPrefix, callers: callers, traces: try tracing.configuration(), subjectKeys: keys)
    }
}

/// Runs assembled services until SIGTERM or SIGINT, then shuts them down in reverse order.
func runUntilSignalled(_ assemblies: [ServiceAssembly], extra: [any Service] = [], trailing: [any Service] = [],
                       logger: Logger) async throws {
    let services = extra + assemblies.flatMap(\.services) + trailing
    let group = ServiceGroup(configuration: .init(
        services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
}

func makeLogger(_ label: String) -> Logger {
    JSONLogHandler.bootstrapOnce()
    return Logger(label: label)
}

/// Prints a line to standard output at once (the broker's first line is read by other programs).
func printFlushed(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
