import AsyncHTTPClient
import Foundation
import NazorgAdapters
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

/// One embedded broker, one partner with a webhook receiver, and the adapters running.
struct AdaptersFixture {
    let cluster: EmbeddedKafkaCluster
    let producer: KafkaProducer
    let options: ServiceOptions

    init() throws {
        cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        for topic in [Topics.partnerStatus, Topics.deadLetter, Topics.partnerTasks("test-woningcorporatie"),
                      Topics.partnerTasks("test-schuldhulp")] {
            try cluster.createTopic(topic, partitions: 1)
        }
        producer = try KafkaProducer(configuration: fastKafka(cluster.bootstrapServers), logger: testLogger)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("adapters-\(UUID().uuidString)").path
        options = ServiceOptions(kafka: fastKafka(cluster.bootstrapServers), port: 0, dataDirectory: directory,
                                 groupPrefix: "test-\(UUID().uuidString.prefix(8))")
    }

    func directory(_ webhooks: [String: String]) throws -> PartnerDirectory {
        try PartnerDirectory(partners: webhooks.sorted(by: { $0.key < $1.key }).map { id, url in
            PartnerDirectory.Partner(id: id, name: "Test \(id)", role: .housingCorporation, domains: [.housing, .debts],
                                     municipalities: ["*"], webhook: url)
        })
    }

    func close() async {
        await producer.close()
        try? FileManager.default.removeItem(atPath: options.dataDirectory)
        cluster.shutdown()
    }
}

@Suite(.serialized)
struct WebhookDeliveryTests {
    let partner = "test-woningcorporatie"
    let subjectId = "0123456789abcdef0123456789abcdef"

    @Test func offerIsDeliveredOnceWithCloudEventHeadersAndUnchangedBody() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver()
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(options: fixture.options, directory: try fixture.directory([partner: try await receiver.url()]),
                                                    httpClient: .shared, logger: testLogger)
            let first = try offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId, producer: fixture.producer)
            let second = try offerRecord(sampleOffer(partnerId: partner, taskId: "task-2"), subjectId: subjectId, producer: fixture.producer)
            try await withServices(assembly.services) {
                try await fixture.producer.send(first)
                try await waitUntil("the first offer arrived") { receiver.received.count >= 1 }
                // The partition keeps order: once the second offer arrived, the first was finished.
                try await fixture.producer.send(second)
                try await waitUntil("the second offer arrived") { receiver.received.count >= 2 }
            }

            let received = receiver.received
            #expect(received.count == 2)
            let delivery = try #require(received.first)
            #expect(delivery.body == first.value)
            #expect(delivery.headers["idempotency-key"] == "offer-task-1")
            #expect(delivery.headers["content-type"] == "application/json")
            #expect(delivery.headers["ce-specversion"] == "1.0")
            #expect(delivery.headers["ce-id"] == first.headers.text(CloudEventHeader.id))
            #expect(delivery.headers["ce-type"] == "nl.nazorg.TaskOffered.v1")
            #expect(delivery.headers["ce-source"] == "/nazorg-hub/filter")
            #expect(delivery.headers["ce-time"] == first.headers.text(CloudEventHeader.time))
            #expect(delivery.headers["traceparent"] == first.headers.text(CloudEventHeader.traceparent))
            #expect(delivery.headers["ce-subject"] == nil)
            #expect(!delivery.headers.keys.contains { $0.hasPrefix("nazorg") || $0.hasPrefix("ce_") })
            #expect(!delivery.headers.values.contains(subjectId))
            #expect(received[1].headers["idempotency-key"] == "offer-task-2")
        }
        await fixture.close()
    }

    @Test func unavailableWebhookIsRetriedUntilItAccepts() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver(answers: [503, 503])
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(options: fixture.options, directory: try fixture.directory([partner: try await receiver.url()]),
                                                    httpClient: .shared, logger: testLogger)
            try await withServices(assembly.services) {
                try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId,
                                                            producer: fixture.producer))
                try await waitUntil("the offer got through on the third attempt") { receiver.received.count >= 3 }
                try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: "task-2"), subjectId: subjectId,
                                                            producer: fixture.producer))
                try await waitUntil("the consumer moved on to the next offer") { receiver.received.count >= 4 }
            }
            let keys = receiver.received.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys == ["offer-task-1", "offer-task-1", "offer-task-1", "offer-task-2"])
        }
        await fixture.close()
    }

    /// The back-off an offer earned survives a restart: an adapter restarted right after a
    /// failed delivery waits until the attempt the store says is next (8 s later here), where
    /// a fresh in-memory back-off would call the partner again as soon as the group is joined.
    @Test func aRestartedAdapterWaitsOutTheBackOffItsOfferEarned() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver(answers: [503])
        let settings = AdapterSettings(retryBackoff: .seconds(8))
        let store = try SQLiteOfferStore(path: fixture.options.dataFile("adapters.sqlite"))
        try await withServices([receiver.service()]) {
            let directory = try fixture.directory([partner: try await receiver.url()])
            try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId,
                                                        producer: fixture.producer))
            let first = try AdaptersService.make(options: fixture.options, directory: directory, httpClient: .shared,
                                                 store: store, settings: settings, logger: testLogger)
            try await withServices(first.services) {
                try await waitUntil("the failed attempt is recorded") {
                    try await store.offer(id: "offer-task-1")?.failedAttempts == 1
                }
            }
            let due = try #require(try await store.offer(id: "offer-task-1")?.nextAttemptAt)
            #expect(due.timeIntervalSince(try #require(receiver.received.first).at) > 7)
            let second = try AdaptersService.make(options: fixture.options, directory: directory, httpClient: .shared,
                                                  store: store, settings: settings, logger: testLogger)
            try await withServices(second.services) {
                try await waitUntil("the offer got through after the restart") { receiver.received.count >= 2 }
            }
            let retried = try #require(receiver.received.last).at
            #expect(retried >= due.addingTimeInterval(-0.2), "called \(due.timeIntervalSince(retried)) s before the attempt was due")
            #expect(try await store.offer(id: "offer-task-1")?.deliveredAt != nil)
        }
        await fixture.close()
    }

    @Test func backOffDoublesPerFailureUpToItsMaximum() {
        let backoff = RetryBackoff(first: .seconds(1), maximum: .seconds(60))
        #expect((0...8).map { backoff.wait(afterFailures: $0) }
                == [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        #expect(backoff.wait(afterFailures: Int.max) == .seconds(60))
    }

    @Test func permanentRefusalIsDeadLetteredAndTheNextOfferDelivered() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver(answers: [422])
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(options: fixture.options, directory: try fixture.directory([partner: try await receiver.url()]),
                                                    httpClient: .shared, logger: testLogger)
            try await withServices(assembly.services) {
                try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId,
                                                            producer: fixture.producer))
                try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: "task-2"), subjectId: subjectId,
                                                            producer: fixture.producer))
                try await waitUntil("the second offer arrived") { receiver.received.count >= 2 }
            }
            let keys = receiver.received.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys == ["offer-task-1", "offer-task-2"])

            let consumer = try KafkaConsumer(configuration: fastKafka(fixture.cluster.bootstrapServers),
                                             options: ConsumerOptions(groupID: "dlq-reader-\(UUID())", topics: [Topics.deadLetter]),
                                             logger: testLogger)
            let found = FoundEvent()
            try await waitUntil("the refused offer is on the dead-letter topic") {
                for record in try await consumer.poll() { found.set(record) }
                return found.record != nil
            }
            await consumer.close()
            let dead = try #require(found.record)
            #expect(dead.headers.text(DeadLetterHeader.reason) == "partner-rejected")
            #expect(dead.headers.text(DeadLetterHeader.detail) == "HTTP 422")
            #expect(dead.headers.text(DeadLetterHeader.service) == "adapters")

            // The coordinator hears of it: the task is reported undeliverable to planning.
            let reports = try await readTopic(fixture.cluster.bootstrapServers, Topics.partnerStatus, atLeast: 1)
            let report = try ReceivedEvent(record: try #require(reports.first)).decode(TaskStatusChanged.self)
            #expect(report.taskId == "task-1" && report.status == .undeliverable && report.reason == HubReason.partnerRefused)
            #expect(reports.first?.key.map { String(decoding: $0, as: UTF8.self) } == "task-1")
        }
        await fixture.close()
    }

    @Test func anOfferReadAgainAfterItWasDeliveredIsNotPostedAgain() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver()
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(options: fixture.options, directory: try fixture.directory([partner: try await receiver.url()]),
                                                    httpClient: .shared, logger: testLogger)
            let first = try offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId, producer: fixture.producer)
            try await withServices(assembly.services) {
                try await fixture.producer.send(first)
                try await waitUntil("the offer arrived") { receiver.received.count >= 1 }
                // The same offer again, as a replay after a crash or a rebalance would bring it.
                try await fixture.producer.send(first)
                try await fixture.producer.send(offerRecord(sampleOffer(partnerId: partner, taskId: "task-2"), subjectId: subjectId,
                                                            producer: fixture.producer))
                try await waitUntil("the next offer arrived") { receiver.received.count >= 2 }
            }
            let keys = receiver.received.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys == ["offer-task-1", "offer-task-2"])
        }
        await fixture.close()
    }
}
