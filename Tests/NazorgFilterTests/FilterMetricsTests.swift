import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
import NazorgFilter

private let logger = quietLogger("filter.metrics.tests", level: .critical)
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Filter metrics", .serialized)
struct FilterMetricsTests {
    @Test func metricsAnswerWithHTTPAndKafkaClientFigures() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in Topics.all { try cluster.createTopic(topic, partitions: 1) }
        var kafka = fastConsumerConfiguration(cluster.bootstrapServers, clientID: "filter-metrics-tests")
        kafka.statisticsInterval = .milliseconds(200)
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("filter-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let assembly = try FilterService.make(
            options: ServiceOptions(kafka: kafka, port: 0, dataDirectory: dataDirectory, groupPrefix: "metrics-test"),
            policies: PolicyDirectory.read(root.appendingPathComponent("Contracts/policies").path),
            partnerIDs: testPartnerIDs, logger: logger)
        try await withServices(assembly.services) {
            let port = try await assembly.endpoint.waitForPort()
            #expect(try await httpRequest("http://127.0.0.1:\(port)/health/ready").status == 200)
            #expect(try await httpRequest("http://127.0.0.1:\(port)/v1/no-such-route").status == 404)
            try await waitUntil("the filter's consumer and producer report their statistics", timeout: .seconds(90)) {
                let metrics = try await scrapeMetrics(port: port)
                let clients = metrics.samples("nazorg_kafka_client_messages_received").compactMap { $0.labels["client"] }
                return clients.contains { $0.hasPrefix("filter-metrics-tests#consumer-") }
                    && clients.contains { $0.hasPrefix("filter-metrics-tests#producer-") }
            }
            let metrics = try await scrapeMetrics(port: port)
            #expect((metrics.value("nazorg_http_requests", ["service": "filter", "route": "/health/ready", "status": "200"]) ?? 0) >= 1)
            #expect((metrics.value("nazorg_http_requests", ["service": "filter", "route": "unmatched", "status": "404"]) ?? 0) >= 1)
            #expect(!metrics.labelValues.contains("/v1/no-such-route"))
        }
    }
}
