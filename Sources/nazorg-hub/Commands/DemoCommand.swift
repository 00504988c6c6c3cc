import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NazorgAdapters
import NazorgContracts
import NazorgFilter
import NazorgIntake
import NazorgKafka
import NazorgMonitoring
import NazorgPlanning
import NazorgRuntime
import ServiceLifecycle

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole chain in one process on the embedded broker, with a simulated PI desk and partners.")

    @Option(name: .long, help: "Port of the monitoring dashboard; the other services use the next ports.")
    var port = DefaultPort.monitoring

    @Option(name: .long, help: "Synthetic people the simulated PI desk reports.")
    var people = 12

    @Option(name: .long, help: "Seconds between two notices of the simulated desk.")
    var interval = 1.0

    @Option(name: .customLong("exit-after"), help: "Stop by itself after this many seconds (default: run until Ctrl-C).")
    var exitAfter: Double?

    @Option(name: .long, help: "Directory of partner policies (YAML).")
    var policies = "Contracts/policies"

    @Option(name: .long, help: "Municipality profiles (YAML) for planning; partner ids must be the demo's. The default cuts terms to minutes, so the coordinator's inbox fills while you watch.")
    var profiles = "deploy/profiles.demo.yaml"

    @Option(name: .long, help: "Seconds between two runs of planning's timers.")
    var timerInterval = 5.0

    @OptionGroup var tracing: TracingOptions

    func validate() throws {
        guard timerInterval.isFinite, (0.1...3_600).contains(timerInterval) else {
            throw ValidationError("--timer-interval must be between 0.1 and 3600 seconds.")
        }
    }

    func run() async throws {
        let logger = makeLogger("nazorg.demo")
        let traces = try tracing.configuration()
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: logger)
        let simulatorPort = port + 10
        let directory = try DemoPartners.directory(webhookBase: "http://127.0.0.1:\(simulatorPort)/partners")
        try createTopics(in: cluster, partners: directory, partitions: nil)
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-demo-\(UUID().uuidString)").path
        // One key store for the demo's hub: its topics carry personal fields only sealed.
        let subjectKeys = try SubjectKeyStore(path: (dataDirectory as NSString).appendingPathComponent("subject-keys.sqlite"))
        func options(_ service: String, _ offset: Int) -> ServiceOptions {
            ServiceOptions(kafka: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "nazorg-demo-\(service)",
                                                     properties: EmbeddedKafkaCluster.clientProperties),
                           port: port + offset, dataDirectory: dataDirectory, groupPrefix: "nazorg-demo", traces: traces,
                           subjectKeys: subjectKeys)
        }
        // The broker is new each run, so the demo's pseudonym keys are too.
        let pseudonymizer = try SubjectPseudonymizer(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let partnerIDs = try PartnerPseudonymizer(secret: (0..<32).map { _ in UInt8.random(in: 0...255) })
        // A coordinator account of this run only, for every municipality: the page and API
        // show the synthetic people's data, so even the demo does not serve them open.
        let coordinatorToken = (0..<24).map { _ in UInt8.random(in: 0...255) }.hexString
        let coordinator = CoordinatorAPISettings(
            accounts: try CoordinatorAccounts(callers: [
                CallerTokens.Caller(name: "demo-coordinator", sha256: CallerTokens.hash(coordinatorToken), scopes: ["*"]),
            ]),
            policy: try CoordinatorPolicy.load(directory: policies),
            openAPIDocument: try? String(contentsOfFile: "Contracts/openapi/planning.yaml", encoding: .utf8))
        let http = HTTPClientService()
        let assemblies = [
            try MonitoringService.make(options: options("monitoring", 0), logger: logger),
            try IntakeService.make(options: options("intake", 1), pseudonymizer: pseudonymizer, logger: logger),
            try PlanningService.make(options: options("planning", 2), directory: directory, logger: logger,
                                     settings: PlanningSettings(
                                         profiles: try MunicipalityProfiles(contentsOf: profiles, directory: directory),
                                         timerCheckInterval: .milliseconds(Int64(timerInterval * 1000)), api: coordinator)),
            try FilterService.make(options: options("filter", 3), policies: PolicyDirectory.read(policies),
                                   partnerIDs: partnerIDs, logger: logger),
            try AdaptersService.make(options: options("adapters", 4), directory: directory, httpClient: http.client, logger: logger),
        ]
        let simulator = PartnerSimulator(client: http.client, adaptersURL: "http://127.0.0.1:\(port + 4)",
                                         behaviours: DemoPartners.behaviours, logger: logger)
        let simulatorRouter = Router()
        simulator.addRoutes(to: simulatorRouter)
        let simulatorEndpoint = HTTPEndpoint(host: "127.0.0.1", port: simulatorPort)
        let desk = DeskSimulator(client: http.client, intakeURL: "http://127.0.0.1:\(port + 1)", people: people,
                                 interval: .milliseconds(Int(interval * 1000)),
                                 municipalities: DemoPartners.municipalities, logger: logger)
        printFlushed("""
            nazorg-hub demo is running (synthetic data only)
              monitoring dashboard  http://127.0.0.1:\(port)/
              metrics               http://127.0.0.1:\(port)/metrics
              coordinator's inbox   http://127.0.0.1:\(port + 2)/coordinator/login   (token below)
              coordinator API       http://127.0.0.1:\(port + 2)/v1/escalations?status=open   (Authorization: Bearer <token>)
              coordinator token     \(coordinatorToken)   (valid for this run only)
              intake API            http://127.0.0.1:\(port + 1)/v1/notices
              partner status API    http://127.0.0.1:\(port + 4)/v1/partners/{partnerId}/tasks/{taskId}/status
              simulated partners    http://127.0.0.1:\(simulatorPort)/partners/{partnerId}/tasks
              kafka bootstrap       \(cluster.bootstrapServers)   (try: kcat -b \(cluster.bootstrapServers) -L)
            Press Ctrl-C to stop.
            """)
        var extra: [any Service] = [EmbeddedBrokerService(cluster: cluster), http,
                                    simulatorEndpoint.application(router: simulatorRouter, name: "partner-simulator", logger: logger)]
        if let exitAfter { extra.append(StopAfter(delay: .milliseconds(Int(exitAfter * 1000)))) }
        try await runUntilSignalled(assemblies, extra: extra, trailing: [DeskService(desk: desk)], logger: logger)
    }
}

/// Starts the simulated desk once intake reports ready (Kafka reachable).
struct DeskService: Service {
    let desk: DeskSimulator

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let ready = try? await desk.client.execute(HTTPClientRequest(url: "\(desk.intakeURL)/health/ready"), timeout: .seconds(2))
            if ready?.status == .ok { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        try await desk.run()
    }
}

/// Ends the demo after a fixed time, as if Ctrl-C was pressed.
struct StopAfter: Service {
    let delay: Duration
    func run() async throws {
        try? await Task.sleep(for: delay)
        if !Task.isShuttingDownGracefully { kill(getpid(), SIGTERM) }
        try? await gracefulShutdown()
    }
}
