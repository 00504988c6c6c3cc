import Foundation
import Hummingbird
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

@Suite("Adapters killed under load", .serialized)
struct AdaptersCrashTests {
    /// With kill -9 in the middle of a backlog, a restarted adapters process delivers every
    /// offer and repeats at most the one that was in flight: offers the store marked
    /// delivered are not posted again, and offsets are committed after every delivery.
    @Test func aKilledAdaptersProcessRepeatsAtMostTheDeliveryInFlight() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let inbox = Inbox()
        let router = Router()
        router.post("/hooks/woon-kill") { request, _ -> HTTPResponse.Status in
            _ = try await request.body.collect(upTo: 1 << 20)
            let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
            inbox.add(.init(partner: "woon-kill", idempotencyKey: key, headers: [:], body: ""))
            // A little work per delivery, so a backlog builds.
            try await Task.sleep(for: .milliseconds(15))
            return .ok
        }
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: 0)
        let server = endpoint.application(router: router, name: "kill-partner", logger: quietLogger("kill"))
        let serverTask = Task { try await server.run() }
        let partners = work.appendingPathComponent("partners.yaml")
        try """
            partners:
              - {id: woon-kill, name: Woningcorporatie Kill, role: housing-corporation, domains: [housing], municipalities: ["*"], webhook: "http://127.0.0.1:\(try await endpoint.waitForPort())/hooks/woon-kill"}
            """.write(to: partners, atomically: true, encoding: .utf8)

        let broker = try ServiceProcess("broker", arguments: ["broker", "--brokers", "1", "--partitions", "1", "--partners", partners.path])
        let bootstrap = try await broker.firstOutputLine()
        func adapters() throws -> ServiceProcess {
            try ServiceProcess("adapters", arguments: ["adapters", "--kafka", bootstrap, "--port", "0", "--partners", partners.path,
                                                       "--data-dir", work.appendingPathComponent("adapters").path,
                                                       "--group-prefix", "kill"],
                               environment: ["NAZORG_KAFKA_PROPERTIES": "session.timeout.ms=6000;heartbeat.interval.ms=500;fetch.wait.max.ms=50",
                                             "LOG_LEVEL": "warning"])
        }

        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: bootstrap, clientID: "kill-test"),
                                         logger: quietLogger("kill.producer"))
        let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/filter")
        let count = 200
        let offers = try (0..<count).map { index in
            let offer = TaskOffered(offerId: "offer-\(index)", taskId: "task-\(index)", partnerId: "woon-kill", domain: .housing,
                                    deadline: CalendarDate(year: 2027, month: 3, day: 1), deadlinePrecision: .day,
                                    processingActivityId: "PA-NAZORG-02", subject: TaskOffered.Subject(surname: "Testpersoon"))
            return try publisher.record(offer, topic: Topics.partnerTasks("woon-kill"), key: String(format: "%032x", index),
                                        id: "offer-event-\(index)", subject: nil, trace: .random())
        }
        try await producer.send(batch: offers)
        await producer.close()

        var first = try adapters()
        let keys: @Sendable () -> [String] = { inbox.all.map { $0.idempotencyKey ?? "" } }
        do {
            try await waitUntil("a backlog is being delivered", timeout: .seconds(90)) { inbox.all.count >= 40 }
            first.killHard()
            let atKill = inbox.all.count
            first = try adapters()
            try await waitUntil("every offer arrived after the restart", timeout: .seconds(120)) {
                Set(keys()).count == count
            }
            // Let a late repeat show up before counting (an observation window, not synchronisation).
            try await Task.sleep(for: .seconds(2))
            let repeats = keys().count - Set(keys()).count
            #expect(atKill < count, "the kill came after the backlog was delivered; the test proved nothing")
            #expect(repeats <= 1, "\(repeats) offers were posted again after the restart")
        } catch {
            print(first.lines.suffix(20).joined(separator: "\n"))
            first.killHard()
            _ = await broker.terminate()
            serverTask.cancel()
            throw error
        }
        #expect(await first.terminate() == 0)
        _ = await broker.terminate()
        serverTask.cancel()
    }
}
