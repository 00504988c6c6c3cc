import Foundation
import NazorgContracts
import NazorgRuntime

/// The hub as `bench e2e` deploys it: `nazorg-hub broker` as a process of its own, then every
/// service as a child process of this executable, configured as in production (key files,
/// a partner directory with webhooks, the contract's policies, caller tokens, JSON logs).
final class E2EHub {
    /// The services in the order they start (and stop): front door first.
    static let serviceNames = ["intake", "planning", "filter", "adapters", "monitoring"]

    /// The bench's partners: two whose tasks need no consent (a public task), so every plan
    /// leads to a delivery, each in every municipality; the plans' needs take turns between them.
    static let partners: [(id: String, name: String, role: PartnerRole, domain: Domain)] = [
        ("bench-idbalie", "Burgerzaken ID-balie (bench)", .civilAffairs, .id),
        ("bench-inkomen", "Werk en Inkomen (bench)", .socialServices, .income),
    ]

    struct Settings {
        var directory: String
        var brokers: Int
        var policies: String
        /// `NAZORG_KAFKA_PROPERTIES` for the services (nil: the deployment defaults).
        var kafkaProperties: String?
        var logLevel: String
    }

    let broker: ServiceProcess
    let bootstrap: String
    let services: [ServiceProcess]
    let ports: [String: Int]
    /// The desk's bearer token at intake.
    let deskToken: String

    private init(broker: ServiceProcess, bootstrap: String, services: [ServiceProcess], ports: [String: Int], deskToken: String) {
        self.broker = broker
        self.bootstrap = bootstrap
        self.services = services
        self.ports = ports
        self.deskToken = deskToken
    }

    /// Writes the configuration into `settings.directory`, starts the broker and every
    /// service, and returns once each answers `/health/ready`.
    static func start(settings: Settings, webhook: (String) -> String) async throws -> E2EHub {
        let directory = settings.directory
        let files = try writeConfiguration(in: directory, webhook: webhook)
        let broker = try ServiceProcess(name: "broker", arguments: ["broker", "--brokers", "\(settings.brokers)", "--partners", files.partners],
                                        environment: ["LOG_LEVEL": settings.logLevel], logPath: "\(directory)/broker.log",
                                        outputPath: "\(directory)/broker.out")
        var services: [ServiceProcess] = []
        do {
            let bootstrap = try await broker.firstOutputLine(timeout: .seconds(60))
            for name in serviceNames {
                var arguments = [name, "--kafka", bootstrap, "--host", "127.0.0.1", "--port", "0",
                                 "--data-dir", "\(directory)/\(name)", "--group-prefix", "bench"]
                var environment = ["LOG_LEVEL": settings.logLevel]
                if let properties = settings.kafkaProperties { environment["NAZORG_KAFKA_PROPERTIES"] = properties }
                switch name {
                case "intake":
                    arguments += ["--tokens", files.deskTokens]
                    environment["NAZORG_PSEUDONYM_KEY_FILE"] = files.subjectKey
                case "planning":
                    arguments += ["--partners", files.partners]
                case "filter":
                    arguments += ["--partners", files.partners, "--policies", settings.policies]
                    environment["NAZORG_PARTNER_PSEUDONYM_KEY_FILE"] = files.partnerKey
                case "adapters":
                    arguments += ["--partners", files.partners, "--tokens", files.partnerTokens]
                default:
                    break
                }
                services.append(try ServiceProcess(name: name, arguments: arguments, environment: environment,
                                                   logPath: "\(directory)/\(name).log"))
            }
            var ports: [String: Int] = [:]
            for service in services {
                let port = try await service.waitForPort(timeout: .seconds(60))
                ports[service.name] = port
                try await ServiceProcess.waitUntilReady(service.name, port: port)
            }
            return E2EHub(broker: broker, bootstrap: bootstrap, services: services, ports: ports, deskToken: files.deskToken)
        } catch {
            killAll(services + [broker])
            throw error
        }
    }

    /// Stops every service with SIGTERM, front door first; the exit status of each (nil:
    /// killed after `timeout`, or ended by a signal).
    func stopServices(timeout: Duration = .seconds(30)) async -> [(name: String, status: Int32?)] {
        var statuses: [(name: String, status: Int32?)] = []
        for service in services { statuses.append((service.name, await service.stop(timeout: timeout))) }
        return statuses
    }

    /// Ends every process at once with SIGKILL (after a failure).
    func kill() { Self.killAll(services + [broker]) }

    private static func killAll(_ processes: [ServiceProcess]) {
        for process in processes where process.isRunning { Foundation.kill(process.pid, SIGKILL) }
    }

    /// The files a deployment has: the partner directory, the subject and partner pseudonym
    /// keys (fresh random keys, as the broker is new), the desk's and the partners' tokens.
    private static func writeConfiguration(in directory: String, webhook: (String) -> String) throws
        -> (partners: String, subjectKey: String, partnerKey: String, deskTokens: String, partnerTokens: String, deskToken: String) {
        func write(_ name: String, _ text: String) throws -> String {
            let path = "\(directory)/\(name)"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        func writeKey(_ name: String) throws -> String {
            let path = "\(directory)/\(name)"
            try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: path))
            return path
        }
        let partners = try write("partners.yaml", "partners:\n" + Self.partners.map {
            "  - {id: \($0.id), name: \"\($0.name)\", role: \($0.role.rawValue), domains: [\($0.domain.rawValue)], "
                + "municipalities: [\"*\"], webhook: \"\(webhook($0.id))\"}\n"
        }.joined())
        let deskToken = randomHex(bytes: 32)
        let deskTokens = try write("desk-tokens.yaml", """
            callers:
              - {name: bench-desk, sha256: \(CallerTokens.hash(deskToken)), scopes: [\(NoticeLoadScript.prisonCode)]}

            """)
        // The partners never report status in this bench; their tokens are there because a
        // deployment's status API is never open.
        let partnerTokens = try write("partner-tokens.yaml", "callers:\n" + Self.partners.map {
            "  - {name: \($0.id), sha256: \(CallerTokens.hash(randomHex(bytes: 32))), scopes: [\($0.id)]}\n"
        }.joined())
        return (partners, try writeKey("pseudonym.key"), try writeKey("partner-pseudonym.key"), deskTokens, partnerTokens, deskToken)
    }

    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
