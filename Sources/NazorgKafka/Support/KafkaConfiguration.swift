import CRdKafka
import Foundation

/// How a service reaches Kafka. Built once at start-up, from flags and the environment.
///
/// Environment keys (all optional):
/// - `NAZORG_KAFKA_TLS_CA_FILE`, `NAZORG_KAFKA_TLS_CERT_FILE`, `NAZORG_KAFKA_TLS_KEY_FILE`,
///   `NAZORG_KAFKA_TLS_KEY_PASSWORD`: TLS to the brokers (a CA alone gives server-authenticated TLS).
/// - `NAZORG_KAFKA_SASL_MECHANISM` (`PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`),
///   `NAZORG_KAFKA_SASL_USERNAME`, and `NAZORG_KAFKA_SASL_PASSWORD` or `NAZORG_KAFKA_SASL_PASSWORD_FILE`.
/// - `NAZORG_KAFKA_PROPERTIES`: extra librdkafka properties, `name=value` pairs separated by `;`.
///   Settings the layer's guarantees rest on (idempotence, `acks`, manual offset commits,
///   `isolation.level`, ...) are refused unless they keep the layer's own value.
public struct KafkaConfiguration: Sendable {
    public struct TLS: Sendable, Equatable {
        public var caFile: String?
        public var certificateFile: String?
        public var keyFile: String?
        public var keyPassword: String?

        public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, keyPassword: String? = nil) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.keyPassword = keyPassword
        }
    }

    public struct SASL: Sendable, Equatable {
        public var mechanism: String
        public var username: String
        public var password: String

        public init(mechanism: String, username: String, password: String) {
            self.mechanism = mechanism
            self.username = username
            self.password = password
        }
    }

    /// Comma-separated `host:port` list of brokers to bootstrap from.
    public var bootstrapServers: String
    /// Identifies this client in broker logs and quotas.
    public var clientID: String
    public var tls: TLS?
    public var sasl: SASL?
    /// librdkafka properties passed through unchanged; they win over every default, except
    /// that a client refuses to start when one would weaken at-least-once delivery or per-key
    /// order (for example `acks=1`, `enable.idempotence=false`, `enable.auto.commit=true`).
    public var properties: [String: String]
    /// How often producers and consumers report librdkafka's statistics (consumer lag per
    /// partition, messages sent and received) as metrics; `.zero` turns them off. A
    /// `statistics.interval.ms` pass-through property wins over this value.
    public var statisticsInterval: Duration

    /// Statistics every 5 s: often enough to see lag grow between two scrapes, rare enough
    /// that building and parsing the statistics JSON costs nothing noticeable.
    public static let defaultStatisticsInterval: Duration = .seconds(5)

    public init(bootstrapServers: String, clientID: String = "nazorg-hub", tls: TLS? = nil, sasl: SASL? = nil,
                properties: [String: String] = [:], statisticsInterval: Duration = defaultStatisticsInterval) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.tls = tls
        self.sasl = sasl
        self.properties = properties
        self.statisticsInterval = statisticsInterval
    }

    /// Reads TLS, SASL and pass-through properties from the environment.
    public static func fromEnvironment(bootstrapServers: String, clientID: String,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrapServers: bootstrapServers, clientID: clientID)
        let ca = environment["NAZORG_KAFKA_TLS_CA_FILE"]
        let cert = environment["NAZORG_KAFKA_TLS_CERT_FILE"]
        let key = environment["NAZORG_KAFKA_TLS_KEY_FILE"]
        if ca != nil || cert != nil || key != nil {
            if (cert == nil) != (key == nil) {
                throw KafkaError.configuration("NAZORG_KAFKA_TLS_CERT_FILE/NAZORG_KAFKA_TLS_KEY_FILE",
                                               "a client certificate and its key must be given together")
            }
            config.tls = TLS(caFile: ca, certificateFile: cert, keyFile: key,
                             keyPassword: environment["NAZORG_KAFKA_TLS_KEY_PASSWORD"])
        }
        if let mechanism = environment["NAZORG_KAFKA_SASL_MECHANISM"] {
            guard let user = environment["NAZORG_KAFKA_SASL_USERNAME"] else {
                throw KafkaError.configuration("NAZORG_KAFKA_SASL_USERNAME", "SASL needs a user name")
            }
            var password = environment["NAZORG_KAFKA_SASL_PASSWORD"]
            if password == nil, let file = environment["NAZORG_KAFKA_SASL_PASSWORD_FILE"] {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw KafkaError.configuration("NAZORG_KAFKA_SASL_PASSWORD_FILE", "the file cannot be read")
                }
                password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let password else {
                throw KafkaError.configuration("NAZORG_KAFKA_SASL_PASSWORD", "SASL needs a password or a password file")
            }
            config.sasl = SASL(mechanism: mechanism, username: user, password: password)
        }
        if let raw = environment["NAZORG_KAFKA_PROPERTIES"] {
            config.properties = try parseProperties(raw)
        }
        return config
    }

    /// Parses `a=b;c=d` into properties; refuses one that would weaken the layer's guarantees.
    public static func parseProperties(_ raw: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.split(separator: ";") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let eq = pair.firstIndex(of: "=") else {
                throw KafkaError.configuration(String(pair), "expected name=value")
            }
            let name = pair[..<eq].trimmingCharacters(in: .whitespaces)
            result[name] = String(pair[pair.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        }
        try checkGuarantees(result)
        return result
    }

    /// The full property set for one client: common settings, then `defaults` of the
    /// client kind, then the user's pass-through properties.
    ///
    /// Pass-through properties that librdkafka knows to belong to the other kind of client
    /// (a fetch wait on a producer, a linger on a consumer) are left out of that client: one
    /// `NAZORG_KAFKA_PROPERTIES` serves a service's consumers and producers, and librdkafka
    /// would warn about each of them at every start.
    func resolvedProperties(defaults: [String: String], for kind: rd_kafka_type_t? = nil) -> [String: String] {
        var p: [String: String] = ["bootstrap.servers": bootstrapServers, "client.id": clientID,
                                   "statistics.interval.ms": String(statisticsInterval.clampedMilliseconds)]
        switch (tls != nil, sasl != nil) {
        case (true, true): p["security.protocol"] = "SASL_SSL"
        case (true, false): p["security.protocol"] = "SSL"
        case (false, true): p["security.protocol"] = "SASL_PLAINTEXT"
        case (false, false): break
        }
        if let tls {
            if let ca = tls.caFile { p["ssl.ca.location"] = ca }
            if let cert = tls.certificateFile { p["ssl.certificate.location"] = cert }
            if let key = tls.keyFile { p["ssl.key.location"] = key }
            if let pw = tls.keyPassword { p["ssl.key.password"] = pw }
        }
        if let sasl {
            p["sasl.mechanism"] = sasl.mechanism
            p["sasl.username"] = sasl.username
            p["sasl.password"] = sasl.password
        }
        p.merge(defaults) { current, _ in current }
        let foreign: Set<String> = switch kind {
        case RD_KAFKA_PRODUCER?: Self.consumerOnlyProperties
        case RD_KAFKA_CONSUMER?: Self.producerOnlyProperties
        default: []
        }
        p.merge(properties.filter { !foreign.contains($0.key) }) { _, user in user }
        return p
    }

    /// Client properties librdkafka 2.0.2 applies to consumers only (CONFIGURATION.md: "C").
    static let consumerOnlyProperties: Set<String> = [
        "fetch.wait.max.ms", "fetch.min.bytes", "fetch.max.bytes", "fetch.message.max.bytes", "max.partition.fetch.bytes",
        "fetch.error.backoff.ms", "fetch.queue.backoff.ms", "queued.min.messages", "queued.max.messages.kbytes",
        "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "partition.assignment.strategy",
        "group.instance.id", "group.protocol.type", "coordinator.query.interval.ms", "auto.commit.interval.ms",
        "enable.partition.eof", "check.crcs", "allow.auto.create.topics", "consume.callback.max.messages",
    ]

    /// Client properties librdkafka 2.0.2 applies to producers only (CONFIGURATION.md: "P").
    static let producerOnlyProperties: Set<String> = [
        "linger.ms", "queue.buffering.max.ms", "batch.num.messages", "batch.size", "queue.buffering.max.messages",
        "queue.buffering.max.kbytes", "queue.buffering.backpressure.threshold", "message.timeout.ms", "delivery.timeout.ms",
        "compression.type", "compression.codec", "compression.level", "retry.backoff.ms", "retry.backoff.max.ms",
        "sticky.partitioning.linger.ms", "transactional.id", "transaction.timeout.ms", "delivery.report.only.error",
    ]

    /// Creates a librdkafka configuration object. The caller owns it until it is handed to `rd_kafka_new`.
    func makeNativeConfiguration(defaults: [String: String], for kind: rd_kafka_type_t? = nil) throws -> OpaquePointer {
        try Self.checkGuarantees(properties)
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.configuration("(all)", "librdkafka could not allocate a configuration")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        for (name, value) in resolvedProperties(defaults: defaults, for: kind).sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, name, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let detail = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw KafkaError.configuration(name, detail)
            }
        }
        return conf
    }
}
