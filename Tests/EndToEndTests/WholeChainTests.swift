import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import Synchronization
import NazorgTestSupport
import Testing

private let logger = quietLogger("e2e")

/// What the test partners' webhooks received.
final class Inbox: Sendable {
    struct Delivery: Sendable {
        var partner: String
        var idempotencyKey: String?
        var headers: [String: String]
        var body: String
    }

    private let deliveries = Mutex<[Delivery]>([])
    func add(_ d: Delivery) { deliveries.withLock { $0.append(d) } }
    var all: [Delivery] { deliveries.withLock { $0 } }
    func count(_ partner: String) -> Int { all.filter { $0.partner == partner }.count }

    /// Serves the partners' webhooks, `POST /hooks/<partner>`, on a port of its own: every
    /// delivery lands here. Cancel the task to stop the server.
    func serve(logger: Logger) async throws -> (task: Task<Void, any Error>, port: Int) {
        let router = Router()
        router.post("/hooks/:partner") { [self] request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            add(.init(partner: try context.parameters.require("partner"), idempotencyKey: headers["idempotency-key"],
                      headers: headers, body: String(buffer: body)))
            return .ok
        }
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: 0)
        let server = endpoint.application(router: router, name: "test-partners", logger: logger)
        let task = Task { try await server.run() }
        return (task, try await endpoint.waitForPort())
    }
}

@Suite("Whole chain, every service its own process", .serialized)
struct WholeChainTests {
    @Test func planNoticeBecomesOneMinimisedDeliveryPerPartnerWithDisclosureLogAndMonitoring() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // Test partners: a webhook receiver in this process.
        let inbox = Inbox()
        let (webhookTask, webhookPort) = try await inbox.serve(logger: logger)
        let partners = work.appendingPathComponent("partners.yaml")
        try """
            partners:
              - {id: woon-e2e, name: Woningcorporatie E2E, role: housing-corporation, domains: [housing], municipalities: [GM0363], webhook: "http://127.0.0.1:\(webhookPort)/hooks/woon-e2e"}
              - {id: idbalie-e2e, name: ID-balie E2E, role: civil-affairs, domains: [id], municipalities: ["*"], webhook: "http://127.0.0.1:\(webhookPort)/hooks/idbalie-e2e"}
              - {id: schuld-e2e, name: Schuldhulp E2E, role: debt-relief, domains: [debts], municipalities: ["*"], webhook: "http://127.0.0.1:\(webhookPort)/hooks/schuld-e2e"}
            """.write(to: partners, atomically: true, encoding: .utf8)

        // PI desks authenticate at intake with a bearer token scoped to their prison.
        let intakeTokens = work.appendingPathComponent("intake-tokens.yaml")
        try """
            callers:
              - {name: e2e-desk, sha256: \(CallerTokens.hash("e2e-desk-token")), scopes: [PI-TEST]}
            """.write(to: intakeTokens, atomically: true, encoding: .utf8)

        // The desk asks for the person's subject access report with an account of the consent API.
        let consentCallers = work.appendingPathComponent("consent-callers.yaml")
        try """
            callers:
              - {name: e2e-desk, sha256: \(CallerTokens.hash("e2e-desk-token")), role: pi-desk, scopes: [PI-TEST]}
            """.write(to: consentCallers, atomically: true, encoding: .utf8)

        // The broker, then every service as its own process.
        let broker = try ServiceProcess("broker", arguments: ["broker", "--brokers", "3", "--partitions", "3", "--partners", partners.path])
        let bootstrap = try await broker.firstOutputLine()
        let fast = "session.timeout.ms=6000;heartbeat.interval.ms=500;fetch.wait.max.ms=50;statistics.interval.ms=1000"
        func start(_ service: String, _ extra: [String] = []) throws -> ServiceProcess {
            try ServiceProcess(service, arguments: [service, "--kafka", bootstrap, "--port", "0",
                                                    "--data-dir", work.appendingPathComponent(service).path,
                                                    "--group-prefix", "e2e"] + extra,
                               environment: ["NAZORG_PSEUDONYM_KEY": "e2e-test-key-not-secret-0123456789abcdef",
                                             "NAZORG_PARTNER_PSEUDONYM_KEY": "e2e-partner-key-not-secret-0123456789abcdef",
                                             "NAZORG_KAFKA_PROPERTIES": fast, "LOG_LEVEL": "info"])
        }
        let services = [
            try start("intake", ["--tokens", intakeTokens.path]), try start("planning", ["--partners", partners.path]),
            try start("filter", ["--consent-grace", "1", "--consent-callers", consentCallers.path, "--partners", partners.path]), try start("adapters", ["--partners", partners.path]), try start("monitoring"),
        ]
        var discovered: [String: Int] = [:]
        for service in services { discovered[service.name] = try await service.httpPort() }
        let ports = discovered
        let http = HTTPClient(eventLoopGroupProvider: .singleton)

        do {
            for service in services {
                try await waitUntil("\(service.name) is ready") {
                    try await get(http, "http://127.0.0.1:\(ports[service.name]!)/health/ready").status == 200
                }
            }
            let notice = """
                {"type":"DetentionPlanShared","noticeId":"e2e-plan-1","municipality":"GM0363","prisonCode":"PI-TEST",
                 "person":{"bsn":"999990019","givenName":"Tessa","surname":"Testpersoon","birthDate":"1990-01-01"},
                 "detentionType":"sentence","expectedReleaseDate":"2027-03-15",
                 "needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"needed"},{"domain":"income","status":"arranged"},
                          {"domain":"debts","status":"needed"}],
                 "consents":["housing"]}
                """
            let anonymous = try await post(http, "http://127.0.0.1:\(ports["intake"]!)/v1/notices", notice)
            #expect(anonymous.status == 401)
            let accepted = try await post(http, "http://127.0.0.1:\(ports["intake"]!)/v1/notices", notice,
                                          headers: ["Authorization": "Bearer e2e-desk-token"])
            #expect(accepted.status == 202)

            try await waitUntil("both partners received their task", timeout: .seconds(90)) {
                inbox.count("woon-e2e") >= 1 && inbox.count("idbalie-e2e") >= 1
            }
            // Let any duplicate show up before counting (an observation window, not synchronisation).
            try await Task.sleep(for: .seconds(3))
            #expect(inbox.count("woon-e2e") == 1)
            #expect(inbox.count("idbalie-e2e") == 1)
            #expect(inbox.count("schuld-e2e") == 0)
            let housing = try #require(inbox.all.first { $0.partner == "woon-e2e" })
            #expect(!housing.body.contains("999990019"))
            #expect(!housing.body.contains("\"bsn\""))
            #expect(!housing.body.contains("1990-01-01"))
            #expect(housing.body.contains("Testpersoon"))
            #expect(housing.idempotencyKey != nil)
            #expect(housing.headers["ce-type"] == "nl.nazorg.TaskOffered.v1")
            let idDesk = try #require(inbox.all.first { $0.partner == "idbalie-e2e" })
            #expect(idDesk.body.contains("999990019"))
            // Nothing in what partners receive links them: not the hub-wide pseudonym, not the trace.
            let notices = try await readTopic(bootstrap, Topics.intakeNotices, atLeast: 1)
            let hubSubject = try #require(notices.first?.key.map { String(decoding: $0, as: UTF8.self) })
            let internalTrace = try ReceivedEvent(record: try #require(notices.first)).envelope.traceparent.traceID
            for delivery in [housing, idDesk] {
                let seen = delivery.body + delivery.headers.values.joined()
                #expect(!seen.contains(hubSubject) && !seen.contains(internalTrace))
            }
            #expect(housing.headers["traceparent"] != idDesk.headers["traceparent"])

            // The disclosure log holds one record per delivery (and one per refusal: an offer
            // that waited for consent).
            func reached(_ records: [ConsumerRecord]) throws -> [DisclosureLogged] {
                // The log also holds the filter's PolicyActivated records.
                try records.map { try ReceivedEvent(record: $0) }.filter { $0.envelope.type == .disclosureLogged }
                    .map { try $0.decode(DisclosureLogged.self) }.filter { $0.reachedPartner && $0.receiverRole != .rcnMonitoring }
            }
            let disclosures = try await readTopic(bootstrap, Topics.filterDisclosures) { try reached($0).count >= 2 }
            let logged = try reached(disclosures)
            #expect(Set(logged.map(\.receiverId)) == ["woon-e2e", "idbalie-e2e"])
            #expect(logged.count == 2)
            // And one record per observation monitoring received.
            // Each log record is written before its observation, so once the feed holds some,
            // the log holds at least as many records to monitoring.
            func toMonitoring(_ records: [ConsumerRecord]) throws -> [DisclosureLogged] {
                try records.map { try ReceivedEvent(record: $0) }.filter { $0.envelope.type == .disclosureLogged }
                    .map { try $0.decode(DisclosureLogged.self) }.filter { $0.receiverRole == .rcnMonitoring }
            }
            let observed = try await readTopic(bootstrap, Topics.monitoringFeed, atLeast: 1).count
            let monitoringLog = try toMonitoring(try await readTopic(bootstrap, Topics.filterDisclosures) {
                try toMonitoring($0).count >= observed
            })
            #expect(monitoringLog.allSatisfy { $0.legalBasis == .statistics && $0.disclosedEventType == .flowObserved })

            try await expectSubjectAccessReport(http: http, filterPort: ports["filter"]!, filterData: work.appendingPathComponent("filter"),
                                                partners: partners)

            // The monitoring page shows the tasks.
            try await waitUntil("monitoring counts both tasks") {
                let summary = try await get(http, "http://127.0.0.1:\(ports["monitoring"]!)/api/v1/summary")
                guard let json = try JSONSerialization.jsonObject(with: Data(summary.body.utf8)) as? [String: Any],
                      let byPartner = json["tasksByPartner"] as? [String: Any] else { return false }
                return byPartner["woon-e2e"] != nil && byPartner["idbalie-e2e"] != nil
            }
            let page = try await get(http, "http://127.0.0.1:\(ports["monitoring"]!)/")
            #expect(page.status == 200)
            #expect(page.body.contains("woon-e2e"))
            #expect(page.body.contains("idbalie-e2e"))
            #expect(!page.body.contains("Testpersoon"))

            // The debts task waits for consent, and the coordinator is told: an escalation with
            // its reason, counted on the page and in the metrics.
            try await waitUntil("monitoring counts the task waiting for consent") {
                let summary = try await get(http, "http://127.0.0.1:\(ports["monitoring"]!)/api/v1/summary")
                let json = try JSONSerialization.jsonObject(with: Data(summary.body.utf8)) as? [String: Any]
                return ((json?["escalationsByReason"] as? [String: Any])?["awaiting-consent"] as? Int ?? 0) >= 1
            }
            let metrics = MetricsExposition(try await get(http, "http://127.0.0.1:\(ports["monitoring"]!)/metrics").body)
            // At least the debts task; the housing task too when its consent was slower than the grace period.
            #expect(metrics.value("nazorg_monitoring_partner_tasks", ["partner": "schuld-e2e", "status": "awaiting-consent"]) == 1)
            #expect((metrics.value("nazorg_monitoring_escalations_by_reason_total", ["reason": "awaiting-consent"]) ?? 0) >= 1)
            try await expectMetricsWithoutIds(http: http, ports: ports, bootstrap: bootstrap, noticeId: "e2e-plan-1")

            // Every event the services wrote validates against its JSON Schema.
            let directory = work.appendingPathComponent("events")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var types = Set<EventType>()
            for topic in [Topics.intakeNotices, Topics.consentEvents, Topics.planningCaseEvents, Topics.filterDisclosures,
                          Topics.monitoringFeed, Topics.partnerStatus, Topics.partnerTasks("woon-e2e"),
                          Topics.partnerTasks("idbalie-e2e")] {
                for (index, record) in try await readTopic(bootstrap, topic, atLeast: 1).enumerated() {
                    let type = try ReceivedEvent(record: record).envelope.type
                    types.insert(type)
                    try Data(record.value).write(to: directory.appendingPathComponent("\(type.rawValue)-\(topic)-\(index).json"))
                }
            }
            #expect(types.isSuperset(of: [.detentionPlanShared, .consentGiven, .caseOpened, .taskAssigned, .disclosureLogged,
                                          .flowObserved, .taskOffered, .taskStatusChanged, .escalationRaised]))
            #expect(try schemaValidationStatus(of: directory) == 0)

            try await poisonEveryConsumerAndShowTheChainLives(bootstrap: bootstrap, http: http, ports: ports, inbox: inbox,
                                                              services: services)
        } catch {
            for service in services + [broker] {
                print("--- \(service.name)\n" + service.lines.suffix(20).joined(separator: "\n"))
                _ = await service.terminate()
            }
            try? await http.shutdown()
            webhookTask.cancel()
            throw error
        }

        // Every service shuts down cleanly on SIGTERM.
        for service in services.reversed() {
            let status = await service.terminate()
            #expect(status == 0, "\(service.name) exited with \(status)")
        }
        _ = await broker.terminate()
        try await http.shutdown()
        webhookTask.cancel()
        // No personal data in any service's log lines.
        for service in services {
            #expect(!service.lines.contains { $0.contains("999990019") || $0.contains("Testpersoon") }, "\(service.name) logged personal data")
        }
    }
}

/// The person's subject access report names both organisations that received a task, by the
/// directory's names, with purpose and basis: from the running filter's API (JSON and the Dutch
/// page) and from its store by `nazorg-hub filter inzage`, the BSN read from standard input.
private func expectSubjectAccessReport(http: HTTPClient, filterPort: Int, filterData: URL, partners: URL) async throws {
    let url = "http://127.0.0.1:\(filterPort)/v1/subjects/999990019/disclosures"
    #expect(try await get(http, url).status == 401)
    // The filter remembers a message when its batch is complete, just after the partner record.
    try await waitUntil("the report lists both tasks") {
        try await get(http, url, headers: ["Authorization": "Bearer e2e-desk-token"]).body.components(separatedBy: "\"disclosureId\"").count == 3
    }
    let json = try await get(http, url, headers: ["Authorization": "Bearer e2e-desk-token"])
    #expect(json.status == 200)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
    let organisations = (report["organisations"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    #expect(Set(organisations) == ["Woningcorporatie E2E", "ID-balie E2E"])
    let entries = report["disclosures"] as? [[String: Any]] ?? []
    #expect(entries.count == 2 && entries.allSatisfy { $0["purpose"] is String && $0["legalBasis"] is String })
    let page = try await get(http, url, headers: ["Authorization": "Bearer e2e-desk-token", "Accept": "text/html"])
    #expect(page.status == 200 && page.body.contains("Woningcorporatie E2E") && page.body.contains("Huisvesting"))
    #expect(!json.body.contains("999990019") && !page.body.contains("999990019") && !page.body.contains("Testpersoon"))

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try hubBinary())
    process.arguments = ["filter", "inzage", "--bsn-stdin", "--data-dir", filterData.path, "--partners", partners.path]
    process.environment = ProcessInfo.processInfo.environment.merging(
        ["NAZORG_PSEUDONYM_KEY": "e2e-test-key-not-secret-0123456789abcdef"]) { _, new in new }
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data("999990019\n".utf8))
    try input.fileHandleForWriting.close()
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let fromStore = try #require(try JSONSerialization.jsonObject(with: printed) as? [String: Any])
    #expect((fromStore["disclosures"] as? [[String: Any]])?.compactMap { $0["disclosureId"] as? String }
            == entries.compactMap { $0["disclosureId"] as? String })
}

struct HTTPResult {
    var status: Int
    var body: String
}

func get(_ client: HTTPClient, _ url: String, headers: [String: String] = [:]) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await client.execute(request, timeout: .seconds(10))
    return HTTPResult(status: Int(response.status.code), body: String(buffer: try await response.body.collect(upTo: 1 << 20)))
}

func post(_ client: HTTPClient, _ url: String, _ json: String, headers: [String: String] = [:]) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: json))
    let response = try await client.execute(request, timeout: .seconds(20))
    return HTTPResult(status: Int(response.status.code), body: String(buffer: try await response.body.collect(upTo: 1 << 20)))
}

