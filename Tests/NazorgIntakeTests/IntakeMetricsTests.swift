import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

@Suite("Intake metrics", .serialized)
struct IntakeMetricsTests {
    @Test func noticesAreCountedByRouteAndStatusAndThePersonNeverLabelsASeries() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 1)
        try cluster.createTopic(Topics.consentEvents, partitions: 1)
        var kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "intake-metrics-tests")
        kafka.statisticsInterval = .milliseconds(200)
        let assembly = try IntakeService.make(options: ServiceOptions(kafka: kafka, port: 0, dataDirectory: temporaryDataDirectory()), pseudonymizer: pseudonymizer, logger: logger)
        try await withServices(assembly.services) {
            let port = try await assembly.endpoint.waitForPort()
            let notices = "http://127.0.0.1:\(port)/v1/notices"
            let accepted = try await httpRequest(notices, method: "POST", body: planNotice(noticeId: "metrics-1"),
                                                 headers: ["Content-Type": "application/json"])
            #expect(accepted.status == 202)
            let invalid = try await httpRequest(notices, method: "POST", body: "{}", headers: ["Content-Type": "application/json"])
            #expect(invalid.status == 400)

            let metrics = try await scrapeMetrics(port: port)
            #expect(metrics.families["nazorg_http_requests"] == "counter")
            #expect((metrics.value("nazorg_http_requests", ["service": "intake", "route": "/v1/notices", "status": "202"]) ?? 0) >= 1)
            #expect((metrics.value("nazorg_http_requests", ["service": "intake", "route": "/v1/notices", "status": "400"]) ?? 0) >= 1)
            #expect((metrics.value("nazorg_http_request_duration_count", ["service": "intake", "route": "/v1/notices"]) ?? 0) >= 2)
            // A plan is written as the notice and its consents: two records, counted once acknowledged.
            #expect((metrics.value("nazorg_records_produced", ["service": "intake", "topic": Topics.intakeNotices]) ?? 0) >= 1)
            #expect((metrics.value("nazorg_records_produced", ["service": "intake", "topic": Topics.consentEvents]) ?? 0) >= 1)

            // The producer's statistics arrive within a few intervals.
            try await waitUntil("the producer reports what it sent") {
                try await scrapeMetrics(port: port).samples("nazorg_kafka_client_messages_transmitted", ["type": "producer"])
                    .contains { $0.labels["client"]?.hasPrefix("intake-metrics-tests#producer-") == true && $0.value >= 2 }
            }

            let pseudonym = pseudonymizer.pseudonym(forBSN: "999990019")
            let labels = try await scrapeMetrics(port: port).labelValues
            #expect(!labels.contains { $0.contains(pseudonym) || $0.contains("999990019") || $0.contains("metrics-1") })
        }
    }
}
