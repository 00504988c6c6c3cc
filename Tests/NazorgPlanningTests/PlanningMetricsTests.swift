import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
import NazorgPlanning

private let logger = quietLogger("planning.metrics.tests")

@Suite("Planning metrics", .serialized)
struct PlanningMetricsTests {
    @Test func consumerLagAndHTTPRequestsShowWithoutThePersonCaseOrTaskInAnyLabel() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        for topic in [Topics.intakeNotices, Topics.partnerStatus, Topics.planningCaseEvents, Topics.deadLetter] {
            try cluster.createTopic(topic, partitions: 1)
        }
        var kafka = fastConsumerConfiguration(cluster.bootstrapServers, clientID: "planning-metrics-tests")
        kafka.statisticsInterval = .milliseconds(200)
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("planning-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let options = ServiceOptions(kafka: kafka, port: 0, dataDirectory: dataDirectory, groupPrefix: "metrics-test")
        let directory = try PartnerDirectory(partners: [
            .init(id: "woon-test", name: "Woon", role: .housingCorporation, domains: [.housing], municipalities: ["*"], webhook: nil),
        ])
        let assembly = try PlanningService.make(options: options, directory: directory, logger: logger)
        let subject = String(repeating: "3c", count: 16)
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        let notice = DetentionPlanShared(
            noticeId: "metrics-plan-1", subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST",
            person: Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon", birthDate: CalendarDate(year: 1990, month: 1, day: 1)!),
            reportedAt: Date(), detentionType: .sentence, expectedReleaseDate: CalendarDate(year: 2027, month: 3, day: 15)!,
            needs: [Need(domain: .housing, status: .needed)], consents: [])
        let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/intake")
        try await withServices(assembly.services) {
            let port = try await assembly.endpoint.waitForPort()
            try await publisher.publish(notice, topic: Topics.intakeNotices, key: subject, id: "metrics-notice-1", subject: subject,
                                        trace: .random())
            #expect(try await httpRequest("http://127.0.0.1:\(port)/health/live").status == 200)

            // Planning handled and committed the notice: its group's lag on the notice topic is known, and nothing is left.
            try await waitUntil("planning's consumer reports its lag", timeout: .seconds(90)) {
                try await scrapeMetrics(port: port).samples("nazorg_kafka_consumer_lag", [
                    "group": "metrics-test.planning", "topic": Topics.intakeNotices, "partition": "0",
                ]).first?.value == 0
            }
            let metrics = try await scrapeMetrics(port: port)
            #expect(metrics.families["nazorg_kafka_consumer_lag"] == "gauge")
            // The outbox (case opened, task assigned) is counted as planning's, and the notice as consumed.
            #expect((metrics.value("nazorg_records_produced", ["service": "planning", "topic": Topics.planningCaseEvents]) ?? 0) >= 2)
            #expect((metrics.value("nazorg_records_consumed", ["service": "planning", "topic": Topics.intakeNotices]) ?? 0) >= 1)
            #expect((metrics.value("nazorg_http_requests", ["service": "planning", "route": "/health/live", "status": "200"]) ?? 0) >= 1)

            let events = try await readTopic(cluster.bootstrapServers, Topics.planningCaseEvents, atLeast: 2)
            var ids: Set<String> = [subject, "metrics-plan-1", "metrics-notice-1"]
            for event in try events.map({ try ReceivedEvent(record: $0) }) where event.envelope.type == .taskAssigned {
                let task = try event.decode(TaskAssigned.self)
                ids.formUnion([task.taskId, task.caseId.uuidString.lowercased(), task.caseId.uuidString, event.envelope.id])
            }
            #expect(ids.count >= 6, "planning assigned no task")
            let labels = metrics.labelValues
            #expect(labels.isDisjoint(with: ids), "a label carries a person, case, task or event id")
            #expect(!labels.contains { value in ids.contains { value.contains($0) } })
        }
        await producer.close()
    }
}
