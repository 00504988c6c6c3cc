import AsyncHTTPClient
import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

/// The broker, every service as its own process, and the partners' webhooks in this process;
/// torn down by ``stop()``. Partners are named by id; each gets `POST /hooks/<id>`.
struct ServiceChain {
    /// One test partner of the directory file.
    struct Partner {
        var id: String
        var role: PartnerRole
        var domains: [Domain]
        var municipalities: [String] = ["*"]
    }

    let work: URL
    let inbox: Inbox
    let webhookTask: Task<Void, any Error>
    let broker: ServiceProcess
    let bootstrap: String
    /// Distinguishes the consumer groups and keys of this chain from another test's.
    let name: String
    var services: [ServiceProcess] = []
    var ports: [String: Int] = [:]
    let http = HTTPClient(eventLoopGroupProvider: .singleton)

    init(_ name: String, partners: [Partner], brokers: Int = 1, partitions: Int = 3, logger: Logger) async throws {
        self.name = name
        work = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let inbox = Inbox()
        self.inbox = inbox
        let (webhookTask, webhookPort) = try await inbox.serve(logger: logger)
        self.webhookTask = webhookTask
        let lines = partners.map { partner in
            "  - {id: \(partner.id), name: \(partner.id), role: \(partner.role.rawValue), "
                + "domains: [\(partner.domains.map(\.rawValue).joined(separator: ", "))], "
                + "municipalities: [\(partner.municipalities.map { "\"\($0)\"" }.joined(separator: ", "))], "
                + "webhook: \"http://127.0.0.1:\(webhookPort)/hooks/\(partner.id)\"}"
        }
        try (["partners:"] + lines).joined(separator: "\n").write(to: work.appendingPathComponent("partners.yaml"),
                                                                  atomically: true, encoding: .utf8)
        broker = try ServiceProcess("broker", arguments: ["broker", "--brokers", "\(brokers)", "--partitions", "\(partitions)",
                                                          "--partners", work.appendingPathComponent("partners.yaml").path])
        bootstrap = try await broker.firstOutputLine()
    }

    var partnersFile: URL { work.appendingPathComponent("partners.yaml") }

    /// Starts intake, planning, filter, adapters and monitoring, each with `settings(service)`'s
    /// environment and arguments added, and waits until all are ready.
    mutating func startServices(_ settings: (String) -> (environment: [String: String], arguments: [String]) = { _ in ([:], []) })
        async throws {
        let fast = "session.timeout.ms=6000;heartbeat.interval.ms=500;fetch.wait.max.ms=50"
        for service in ["intake", "planning", "filter", "adapters", "monitoring"] {
            let files = ["planning", "adapters"].contains(service) ? ["--partners", partnersFile.path] : []
            services.append(try ServiceProcess(
                service, arguments: [service, "--kafka", bootstrap, "--port", "0", "--data-dir", work.appendingPathComponent(service).path,
                                     "--group-prefix", name] + files + settings(service).arguments,
                environment: ["NAZORG_PSEUDONYM_KEY": "\(name)-test-key-not-secret-0123456789abcdef",
                              "NAZORG_PARTNER_PSEUDONYM_KEY": "\(name)-partner-key-not-secret-0123456789abcdef",
                              "NAZORG_KAFKA_PROPERTIES": fast, "LOG_LEVEL": "info"]
                    .merging(settings(service).environment) { _, new in new }))
        }
        for service in services { ports[service.name] = try await service.httpPort() }
        let http = self.http
        for service in services {
            let port = ports[service.name]!
            try await waitUntil("\(service.name) is ready", timeout: .seconds(90)) {
                try await get(http, "http://127.0.0.1:\(port)/health/ready").status == 200
            }
        }
    }

    func url(_ service: String, _ path: String) -> String { "http://127.0.0.1:\(ports[service]!)\(path)" }

    /// Posts a notice to intake and expects it accepted.
    func submit(_ notice: String, headers: [String: String] = [:]) async throws {
        let answer = try await post(http, url("intake", "/v1/notices"), notice, headers: headers)
        #expect(answer.status == 202, "intake answered \(answer.status): \(answer.body)")
    }

    /// Stops every service with SIGTERM and expects each to exit cleanly.
    func stopServices() async {
        for service in services.reversed() {
            let status = await service.terminate()
            #expect(status == 0, "\(service.name) exited with \(status)")
        }
    }

    func stop() async {
        for service in services + [broker] { _ = await service.terminate() }
        try? await http.shutdown()
        webhookTask.cancel()
        try? FileManager.default.removeItem(at: work)
    }

    func dump() {
        for service in services + [broker] {
            print("--- \(service.name)\n" + service.lines.suffix(20).joined(separator: "\n"))
        }
    }

    /// The events on `topic`, decoded envelopes and all.
    func events(on topic: String, atLeast count: Int = 1) async throws -> [ReceivedEvent] {
        try await readTopic(bootstrap, topic, atLeast: count).map(ReceivedEvent.init(record:))
    }

    /// The events on `topic` once they satisfy `done` (read with one consumer from the start).
    func events(on topic: String, until done: ([ReceivedEvent]) -> Bool) async throws -> [ReceivedEvent] {
        try await readTopic(bootstrap, topic, timeout: .seconds(90)) { records in
            done(try records.map(ReceivedEvent.init(record:)))
        }.map(ReceivedEvent.init(record:))
    }

    /// The first event of `type` on `topic` that `matches`.
    func event(on topic: String, _ type: EventType, where matches: (ReceivedEvent) throws -> Bool = { _ in true }) async throws
        -> ReceivedEvent {
        // Read until it is there: one poll may give only some partitions.
        let found = try await events(on: topic) { events in
            events.contains { $0.envelope.type == type && (try? matches($0)) == true }
        }
        for event in found where event.envelope.type == type {
            if try matches(event) { return event }
        }
        throw E2EError("no \(type.rawValue) on \(topic) as expected")
    }
}

/// Runs `Tests/contracts/validate.py events` on a directory of payload files named
/// `<EventType>-….json`; returns its exit status (0: every file matches its schema).
func schemaValidationStatus(of directory: URL) throws -> Int32 {
    let validation = Process()
    validation.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    validation.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/contracts/validate.py").path,
                            "events", directory.path]
    try validation.run()
    validation.waitUntilExit()
    return validation.terminationStatus
}
