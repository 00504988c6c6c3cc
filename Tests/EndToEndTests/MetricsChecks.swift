import AsyncHTTPClient
import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

/// Every service's `/metrics` answers in the Prometheus format with its own figures (HTTP
/// requests, consumer lag of its groups, webhook deliveries, the read model), exports only
/// families of the catalogue, and no label value anywhere is, or contains, the pseudonym of
/// the person, a partner pseudonym, or an id of the notice, case or tasks that went through.
func expectMetricsWithoutIds(http: HTTPClient, ports: [String: Int], bootstrap: String, noticeId: String) async throws {
    var ids: Set<String> = [noticeId]
    for record in try await readTopic(bootstrap, Topics.intakeNotices, atLeast: 1) {
        if let key = record.keyText { ids.insert(key) }
    }
    for record in try await readTopic(bootstrap, Topics.planningCaseEvents, atLeast: 1) {
        let event = try ReceivedEvent(record: record)
        guard event.envelope.type == .taskAssigned else { continue }
        let task = try event.decode(TaskAssigned.self)
        ids.formUnion([task.taskId, task.caseId.uuidString.lowercased(), task.caseId.uuidString, task.subjectId])
    }
    for partner in ["woon-e2e", "idbalie-e2e"] {
        for record in try await readTopic(bootstrap, Topics.partnerTasks(partner), atLeast: 1) {
            if let key = record.keyText { ids.insert(key) }
        }
    }
    #expect(ids.count >= 5, "too few ids collected to check against")

    @Sendable func scrape(_ service: String) async throws -> MetricsExposition {
        let answer = try await get(http, "http://127.0.0.1:\(ports[service]!)/metrics")
        #expect(answer.status == 200)
        return MetricsExposition(answer.body)
    }
    // Statistics come every second here (NAZORG_KAFKA_PROPERTIES); each consumer reports its
    // group's lag once it committed.
    for (service, group) in [("planning", "e2e.planning"), ("filter", "e2e.filter"), ("monitoring", "e2e.monitoring"),
                             ("adapters", "e2e.adapters.woon-e2e")] {
        try await waitUntil("\(service) reports the lag of \(group)", timeout: .seconds(90)) {
            !(try await scrape(service)).samples("nazorg_kafka_consumer_lag", ["group": group]).isEmpty
        }
    }
    let intake = try await scrape("intake")
    #expect((intake.value("nazorg_http_requests", ["service": "intake", "route": "/v1/notices", "status": "202"]) ?? 0) >= 1)
    #expect((intake.value("nazorg_http_requests", ["service": "intake", "route": "/v1/notices", "status": "401"]) ?? 0) >= 1)
    let adapters = try await scrape("adapters")
    #expect((adapters.value("nazorg_adapters_webhook_deliveries", ["partner": "woon-e2e", "outcome": "delivered"]) ?? 0) >= 1)
    let monitoring = try await scrape("monitoring")
    #expect(monitoring.families["nazorg_monitoring_partner_tasks"] == "gauge")

    let catalogue = Set(MetricCatalogue.all.map(\.prometheusName))
    for service in ["intake", "planning", "filter", "adapters", "monitoring"] {
        let metrics = try await scrape(service)
        #expect((metrics.value("nazorg_http_requests", ["service": service, "route": "/health/ready", "status": "200"]) ?? 0) >= 1)
        #expect(metrics.families.keys.filter { !catalogue.contains($0) }.sorted() == [], "\(service) exports a family outside the catalogue")
        let leaked = metrics.labelValues.filter { value in ids.contains { value.contains($0) } }
        #expect(leaked.isEmpty, "\(service) labels a series with an id: \(leaked)")
    }
}
