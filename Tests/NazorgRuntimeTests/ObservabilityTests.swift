import Foundation
import Hummingbird
import Logging
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing

private let logger = quietLogger("runtime.observability.tests")
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// What the process's registry shows now.
private func exported() -> MetricsExposition {
    MetricsExposition(String(decoding: MetricsBootstrap.exposition(), as: UTF8.self))
}

@Suite("Metrics: bootstrap, catalogue, labels")
struct MetricsBasicsTests {
    @Test func bootstrappingAgainAndAgainFromManyTasksIsHarmless() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { MetricsBootstrap.bootstrap() } }
        }
        MetricsBootstrap.bootstrap()
        HubMetrics.deadLetters(service: "bootstrap-test", reason: "invalid-payload")
        #expect(exported().value("nazorg_records_deadlettered", ["service": "bootstrap-test", "reason": "invalid-payload"]) == 1)
    }

    @Test func labelValuesThatLookLikeIdsOrPseudonymsAreRedacted() {
        for id in ["0123456789abcdef0123456789abcdef", "6f1c2a8e-0000-4000-8000-000000000001", "task-6F1C2A8E",
                   String(repeating: "a-", count: 60)] {
            #expect(MetricLabel.value(id) == MetricLabel.redacted, "\(id) kept")
        }
        for name in ["nazorg.deadletter.v1", "partner.demo-woningcorporatie.tasks.v1", "/v1/partners/{partnerId}/tasks/{taskId}/status",
                     "delivery-failed", "public-task", "test-schuldhulp", "202", "adapters.test-woningcorporatie"] {
            #expect(MetricLabel.value(name) == name)
        }
        HubMetrics.disclosures(partner: "0123456789abcdef0123456789abcdef", legalBasis: "consent")
        #expect(exported().value("nazorg_filter_records_disclosed", ["partner": MetricLabel.redacted, "legal_basis": "consent"]) != nil)
        #expect(!exported().labelValues.contains("0123456789abcdef0123456789abcdef"))
    }

    @Test func theNamesFileTheAlertsAreCheckedAgainstListsExactlyTheCatalogue() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("deploy/prometheus/metrics.txt"), encoding: .utf8)
        #expect(file == MetricCatalogue.namesFile, "deploy/prometheus/metrics.txt should read:\n\(MetricCatalogue.namesFile)")
        #expect(Set(MetricCatalogue.all.map(\.prometheusName)).count == MetricCatalogue.all.count)
        #expect(MetricCatalogue.all.allSatisfy { $0.name.hasPrefix("nazorg.") && !$0.help.isEmpty })
    }

    @Test func typedCallsLandInTheirFamiliesWithTheirLabels() {
        HubMetrics.recordsConsumed(topic: "nazorg.intake.notices.v1", service: "typed-test", count: 3)
        HubMetrics.recordsProduced(topic: "nazorg.planning.case-events.v1", service: "typed-test", count: 2)
        HubMetrics.processingDuration(service: "typed-test", seconds: 0.02)
        HubMetrics.retries(service: "typed-test")
        HubMetrics.disclosureLogFailures(reason: "typed-test")
        HubMetrics.webhookDelivery(partner: "typed-test", outcome: .retry, duration: .milliseconds(30))
        let metrics = exported()
        #expect(metrics.families["nazorg_records_consumed"] == "counter")
        #expect(metrics.families["nazorg_processing_duration"] == "histogram")
        #expect(metrics.value("nazorg_records_consumed", ["service": "typed-test", "topic": "nazorg.intake.notices.v1"]) == 3)
        #expect(metrics.value("nazorg_records_produced", ["service": "typed-test", "topic": "nazorg.planning.case-events.v1"]) == 2)
        #expect(metrics.value("nazorg_processing_duration_count", ["service": "typed-test"]) == 1)
        #expect(metrics.value("nazorg_processing_duration_bucket", ["service": "typed-test", "le": "0.025"]) == 1)
        #expect(metrics.value("nazorg_processing_retries", ["service": "typed-test"]) == 1)
        #expect(metrics.value("nazorg_filter_disclosure_log_failures", ["reason": "typed-test"]) == 1)
        #expect(metrics.value("nazorg_adapters_webhook_deliveries", ["partner": "typed-test", "outcome": "retry"]) == 1)
        #expect(metrics.value("nazorg_adapters_webhook_duration_count", ["partner": "typed-test"]) == 1)
        // Every family the process exports is in the catalogue.
        let known = Set(MetricCatalogue.all.map(\.prometheusName))
        #expect(metrics.families.keys.filter { $0.hasPrefix("nazorg_") && !known.contains($0) } == [])
    }
}

@Suite("Metrics over HTTP")
struct HTTPMetricsTests {
    @Test func requestsAreCountedByRoutePatternAndStatusNeverByPath() async throws {
        let router = Router()
        router.get("/v1/things/:thingId") { _, _ in "ok" }
        router.get("/v1/broken") { _, _ -> String in
            throw ProblemDetails(type: "urn:test", title: "Broken", status: .badRequest, detail: "Always.")
        }
        let endpoint = HTTPEndpoint(host: "127.0.0.1", port: 0)
        let pseudonym = "0123456789abcdef0123456789abcdee"
        try await withServices([endpoint.application(router: router, name: "nazorg-http-test", logger: logger)]) {
            let base = "http://127.0.0.1:\(try await endpoint.waitForPort())"
            #expect(try await httpRequest("\(base)/v1/things/\(pseudonym)").status == 200)
            #expect(try await httpRequest("\(base)/v1/things/task-1").status == 200)
            #expect(try await httpRequest("\(base)/v1/broken").status == 400)
            #expect(try await httpRequest("\(base)/v1/nothing/\(pseudonym)").status == 404)
            #expect(try await httpRequest("\(base)/v1/things/task-1", method: "POST", body: "{}").status == 404)

            let metrics = try await scrapeMetrics(port: try await endpoint.waitForPort())
            #expect(metrics.families["nazorg_http_requests"] == "counter")
            #expect(metrics.families["nazorg_http_request_duration"] == "histogram")
            #expect(metrics.value("nazorg_http_requests", ["service": "http-test", "route": "/v1/things/{thingId}", "status": "200"]) == 2)
            #expect(metrics.value("nazorg_http_requests", ["service": "http-test", "route": "/v1/broken", "status": "400"]) == 1)
            #expect(metrics.value("nazorg_http_requests", ["service": "http-test", "route": "unmatched", "status": "404"]) == 2)
            #expect(metrics.value("nazorg_http_request_duration_count", ["service": "http-test", "route": "/v1/things/{thingId}"]) == 2)
            #expect(!metrics.labelValues.contains { $0.contains(pseudonym) || $0.contains("task-1") })

            // The scrape itself is counted by the next one.
            let again = try await scrapeMetrics(port: try await endpoint.waitForPort())
            #expect((again.value("nazorg_http_requests", ["service": "http-test", "route": "/metrics", "status": "200"]) ?? 0) >= 1)
        }
    }
}

@Suite("Kafka statistics as metrics", .serialized)
struct KafkaStatisticsMetricsTests {
    @Test func consumerLagIsReportedPerOwnedPartitionFollowsCommitsAndGoesWithTheConsumer() async throws {
        MetricsBootstrap.bootstrap()
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        let topic = "observability-lag"
        try cluster.createTopic(topic, partitions: 2)
        var config = fastConsumerConfiguration(cluster.bootstrapServers, clientID: "lag-test")
        config.statisticsInterval = .milliseconds(100)
        let producer = try KafkaProducer(configuration: config, logger: logger)
        try await producer.send(batch: (0..<10).map {
            ProducerRecord(topic: topic, key: Array("key".utf8), value: Array("value-\($0)".utf8), partition: 0)
        })
        let group = "observability-lag-group"
        let consumer = try KafkaConsumer(configuration: config, options: ConsumerOptions(groupID: group, topics: [topic]), logger: logger)
        var read: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while read.count < 10 && ContinuousClock.now < deadline { read += try await consumer.poll() }
        try #require(read.count == 10)
        let ordered = read.sorted { $0.offset < $1.offset }
        try await commitUntilTaken(consumer, Array(ordered.prefix(3)))

        @Sendable func lag(_ partition: String) -> Double? {
            exported().samples("nazorg_kafka_consumer_lag", ["group": group, "topic": topic, "partition": partition]).first?.value
        }
        // The statistics callback runs inside the consumer's poll, so keep polling while waiting.
        try await waitUntil("the lag of partition 0 shows the seven records not committed", timeout: .seconds(90)) {
            _ = try await consumer.poll()
            return lag("0") == 7
        }
        let sample = try #require(exported().samples("nazorg_kafka_consumer_lag", ["group": group, "topic": topic]).first)
        #expect(sample.labels["client"]?.hasPrefix("lag-test#consumer-") == true)
        // Partition 1 was never committed: its lag is unknown, so it is not reported as 0.
        #expect(lag("1") == nil)

        try await commitUntilTaken(consumer, ordered)
        try await waitUntil("the lag falls to zero after the commit", timeout: .seconds(90)) {
            _ = try await consumer.poll()
            return lag("0") == 0
        }
        try await waitUntil("the producer reports the ten messages it sent", timeout: .seconds(90)) {
            exported().samples("nazorg_kafka_client_messages_transmitted", ["type": "producer"])
                .contains { $0.labels["client"]?.hasPrefix("lag-test#producer-") == true && $0.value >= 10 }
        }

        await consumer.close()
        #expect(lag("0") == nil, "a closed consumer still reports lag")
        await producer.close()
    }

    /// Commits until the group takes it (the embedded broker defers commits while the group settles).
    private func commitUntilTaken(_ consumer: KafkaConsumer, _ records: [ConsumerRecord]) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if case .committed = try await consumer.commit(records) { return }
            _ = try await consumer.poll()
        }
        Issue.record("the group never took the commit")
    }
}
