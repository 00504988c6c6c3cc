import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import NazorgContracts
import NazorgKafka
import NazorgMonitoring
import NazorgRuntime
import ServiceLifecycle
import NazorgTestSupport
import Testing

let testLogger = quietLogger("nazorg.monitoring.tests")

func get(_ url: String) async throws -> (status: Int, contentType: String?, body: String) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    let http = response as? HTTPURLResponse
    return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Content-Type"), String(decoding: data, as: UTF8.self))
}

/// The summary JSON as a client reads it.
struct SummaryJSON: Decodable, Equatable {
    var notices: Int
    var openCases: Int
    var escalations: Int
    var tasksByStatus: [String: Int]
    var tasksByPartner: [String: [String: Int]]
}

@Suite(.serialized)
struct MonitoringServiceTests {
    @Test func feedEventsShowUpInSummaryDashboardAndMetrics() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        defer { cluster.shutdown() }
        // One partition, so the feed keeps its order and the last event proves the duplicate was seen.
        try cluster.createTopic(Topics.monitoringFeed, partitions: 1)
        try cluster.createTopic(Topics.deadLetter, partitions: 1)
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "monitoring-tests", properties: [
            "session.timeout.ms": "4000", "heartbeat.interval.ms": "300", "fetch.wait.max.ms": "50",
        ])
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("monitoring-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let options = ServiceOptions(kafka: kafka, port: 0, dataDirectory: dataDirectory, groupPrefix: "test-\(UUID().uuidString.prefix(8))")
        let assembly = try MonitoringService.make(options: options, logger: testLogger)

        let producer = try KafkaProducer(configuration: kafka, logger: testLogger)
        let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/filter")
        var records = try Feed.standard.map {
            try publisher.record($0, topic: Topics.monitoringFeed, key: $0.subjectId, id: $0.observationId, subject: $0.subjectId,
                                 trace: .random())
        }
        // A redelivery of the first notice, just before the last event.
        records.insert(records[0], at: records.count - 1)

        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: assembly.services, logger: testLogger))
        let running = Task { try await group.run() }
        do {
            try await publisher.publish(records)
            let base = "http://127.0.0.1:\(try await assembly.endpoint.waitForPort())"
            let expected = SummaryJSON(notices: 2, openCases: 1, escalations: 0,
                                       tasksByStatus: Feed.standardSummary.tasksByStatus,
                                       tasksByPartner: Feed.standardSummary.tasksByPartner)
            try await waitUntil("the summary shows the feed") {
                let answer = try await get("\(base)/api/v1/summary")
                return answer.status == 200 && (try? JSONDecoder().decode(SummaryJSON.self, from: Data(answer.body.utf8))) == expected
            }

            let page = try await get("\(base)/")
            #expect(page.status == 200)
            #expect(page.contentType?.hasPrefix("text/html") == true)
            #expect(page.body.contains("<td>test-woningcorporatie</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td>"))
            #expect(page.body.contains("<td>test-schuldhulp</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>"))
            #expect(page.body.contains(#"id="notices"><strong>2</strong>"#))
            #expect(page.body.contains(#"id="open-cases"><strong>1</strong>"#))
            #expect(!page.body.contains(Feed.subject))

            let port = try await assembly.endpoint.waitForPort()
            let metrics = try await scrapeMetrics(port: port)
            #expect(metrics.families["nazorg_monitoring_notices_total"] == "counter")
            #expect(metrics.families["nazorg_monitoring_escalations_by_reason_total"] == "counter")
            #expect(metrics.families["nazorg_monitoring_cases_open"] == "gauge")
            #expect(metrics.families["nazorg_monitoring_partner_tasks"] == "gauge")
            for (name, labels, value) in [
                ("nazorg_monitoring_notices_total", [:], 2.0), ("nazorg_monitoring_cases_open", [:], 1),
                ("nazorg_monitoring_escalations_total", [:], 0),
                ("nazorg_monitoring_escalations_by_reason_total", ["reason": "awaiting-consent"], 0),
                ("nazorg_monitoring_tasks", ["status": "assigned"], 1), ("nazorg_monitoring_tasks", ["status": "rejected"], 1),
                ("nazorg_monitoring_partner_tasks", ["partner": "test-woningcorporatie", "status": "accepted"], 1),
                ("nazorg_monitoring_partner_tasks", ["partner": "test-schuldhulp", "status": "rejected"], 1),
                ("nazorg_monitoring_notices_by_type_total", ["type": "DetentionStarted"], 1),
            ] as [(String, [String: String], Double)] {
                #expect(metrics.value(name, labels) == value, "\(name)\(labels)")
            }
            // The dashboard's own requests are counted by route; the feed's pseudonym labels nothing.
            #expect((metrics.value("nazorg_http_requests", ["service": "monitoring", "route": "/api/v1/summary", "status": "200"]) ?? 0) >= 1)
            #expect(!metrics.labelValues.contains { $0.contains(Feed.subject) })

            let ready = try await get("\(base)/health/ready")
            #expect(ready.status == 200)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await producer.close()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
        await producer.close()
    }
}
