import Foundation
import NazorgAdapters
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

@Suite(.serialized)
struct AdaptersMetricsTests {
    let partner = "test-schuldhulp"
    let subjectId = "fedcba9876543210fedcba9876543210"

    @Test func deliveriesAreCountedByPartnerAndOutcomeAndStatusReportsByRoutePattern() async throws {
        let fixture = try AdaptersFixture()
        // A retry, then a refusal for good (dead-lettered), then the next offer delivered.
        let receiver = WebhookReceiver(answers: [503, 422])
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(options: fixture.options, directory: try fixture.directory([partner: try await receiver.url()]),
                                                    httpClient: .shared, logger: testLogger)
            try await withServices(assembly.services) {
                let port = try await assembly.endpoint.waitForPort()
                let before = try await scrapeMetrics(port: port)
                func count(_ metrics: MetricsExposition, _ outcome: String) -> Double {
                    metrics.value("nazorg_adapters_webhook_deliveries", ["partner": partner, "outcome": outcome]) ?? 0
                }
                for task in ["metrics-task-1", "metrics-task-2"] {
                    try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: task, domain: .debts),
                                                                subjectId: subjectId, producer: fixture.producer))
                }
                try await waitUntil("the second offer arrived") { receiver.received.count >= 3 }
                let status = try await httpRequest("http://127.0.0.1:\(port)/v1/partners/\(partner)/tasks/metrics-task-2/status",
                                                   method: "POST", body: #"{"status":"accepted"}"#,
                                                   headers: ["Content-Type": "application/json"])
                #expect(status.status == 202)

                let after = try await scrapeMetrics(port: port)
                #expect(after.families["nazorg_adapters_webhook_deliveries"] == "counter")
                #expect(count(after, "retry") - count(before, "retry") == 1)
                #expect(count(after, "refused") - count(before, "refused") == 1)
                #expect(count(after, "delivered") - count(before, "delivered") == 1)
                #expect((after.value("nazorg_adapters_webhook_duration_count", ["partner": partner]) ?? 0) >= 3)
                #expect((after.value("nazorg_http_requests", [
                    "service": "adapters", "route": "/v1/partners/{partnerId}/tasks/{taskId}/status", "status": "202",
                ]) ?? 0) >= 1)
                let labels = after.labelValues
                #expect(!labels.contains { $0.contains("metrics-task") || $0.contains(subjectId) })
            }
        }
        await fixture.close()
    }
}
