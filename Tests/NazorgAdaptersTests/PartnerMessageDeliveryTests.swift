import AsyncHTTPClient
import Foundation
import GRDB
import NazorgAdapters
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

@Suite(.serialized)
struct PartnerMessageDeliveryTests {
    let partner = "test-woningcorporatie"
    let subjectId = "0123456789abcdef0123456789abcdef"

    func update(_ taskId: String) -> TaskUpdated {
        TaskUpdated(updateId: "update-\(taskId)", taskId: taskId, partnerId: partner, taskType: .deliver, domain: .housing,
                    reason: .releaseDateChanged, urgent: true, dueAt: nil, deadline: CalendarDate(year: 2027, month: 2, day: 22)!,
                    deadlinePrecision: .day, details: nil, remark: nil, processingActivityId: "pa-housing-offer",
                    subject: TaskOffered.Subject(surname: "Testpersoon"))
    }

    func cancellation(_ taskId: String) -> TaskCancelled {
        TaskCancelled(cancellationId: "cancellation-\(taskId)", taskId: taskId, partnerId: partner, taskType: .deliver,
                      domain: .housing, reason: .needArranged, processingActivityId: "pa-housing-offer")
    }

    func retraction(_ taskId: String) -> TaskRetracted {
        TaskRetracted(retractionId: "retraction-\(taskId)", taskId: taskId, partnerId: partner, processingActivityId: "pa-housing-offer")
    }

    /// The partner refuses the offer at first; the update and the retraction behind it wait
    /// on the same partition until the offer got through, and each carries its own
    /// Idempotency-Key and CloudEvents type.
    @Test func offerUpdateAndRetractionArriveInOrderEvenWhenTheOfferFailsFirst() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver(answers: [503])
        let store = try SQLiteOfferStore(path: nil)
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(
                options: fixture.options, directory: try fixture.directory([partner: try await receiver.url()]),
                httpClient: .shared, store: store, settings: AdapterSettings(retryBackoff: .milliseconds(300)), logger: testLogger)
            let records = [
                try offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId, producer: fixture.producer),
                try partnerRecord(update("task-1"), id: "u1", partnerId: partner, subjectId: subjectId, producer: fixture.producer),
                try partnerRecord(retraction("task-1"), id: "r1", partnerId: partner, subjectId: subjectId, producer: fixture.producer),
            ]
            for record in records { try await fixture.producer.send(record) }
            try await withServices(assembly.services) {
                try await waitUntil("all three got through") { receiver.received.count >= 4 }
            }
            let received = receiver.received
            #expect(received.map { $0.headers["idempotency-key"] ?? "" }
                    == ["offer-task-1", "offer-task-1", "update-task-1", "retraction-task-1"])
            #expect(received.map { $0.headers["ce-type"] ?? "" }
                    == ["nl.nazorg.TaskOffered.v1", "nl.nazorg.TaskOffered.v1", "nl.nazorg.TaskUpdated.v1", "nl.nazorg.TaskRetracted.v1"])
            #expect(received[2].body == records[1].value && received[3].body == records[2].value)
            #expect(received[3].headers["ce-dataschema"] == "urn:nazorg-hub:schema:task-retracted:v1")
            #expect(received.allSatisfy { $0.headers["ce-subject"] == nil })
            let kept = try await store.messages(partnerId: partner, taskId: "task-1")
            #expect(kept.map(\.kind) == [.taskOffered, .taskUpdated, .taskRetracted])
            #expect(kept.allSatisfy { $0.deliveredAt != nil })
            #expect(kept.last?.domain == nil)
        }
        await fixture.close()
    }

    /// A retracted task takes only `completed` (the deletion confirmed), a cancelled one nothing.
    @Test func aCancelledOrRetractedTaskAnswersStatusReportsWith409() async throws {
        let fixture = try AdaptersFixture()
        let receiver = WebhookReceiver()
        try await withServices([receiver.service()]) {
            let assembly = try AdaptersService.make(options: fixture.options,
                                                    directory: try fixture.directory([partner: try await receiver.url()]),
                                                    httpClient: .shared, logger: testLogger)
            try await withServices(assembly.services) {
                for record in [
                    try offerRecord(sampleOffer(partnerId: partner, taskId: "task-1"), subjectId: subjectId, producer: fixture.producer),
                    try partnerRecord(retraction("task-1"), id: "r1", partnerId: partner, subjectId: subjectId, producer: fixture.producer),
                    try offerRecord(sampleOffer(partnerId: partner, taskId: "task-2"), subjectId: subjectId, producer: fixture.producer),
                    try partnerRecord(cancellation("task-2"), id: "c2", partnerId: partner, subjectId: subjectId, producer: fixture.producer),
                    try offerRecord(sampleOffer(partnerId: partner, taskId: "task-3"), subjectId: subjectId, producer: fixture.producer),
                ] { try await fixture.producer.send(record) }
                try await waitUntil("every message was delivered") { receiver.received.count >= 5 }
                let base = "http://127.0.0.1:\(try await assembly.endpoint.waitForPort())/v1/partners/\(partner)/tasks"
                let accepted = try await post("\(base)/task-1/status", json: #"{"status":"accepted"}"#)
                #expect(accepted.status == 409)
                #expect(accepted.body.contains("retracted") && accepted.body.contains("task-closed"))
                #expect(try await post("\(base)/task-1/status", json: #"{"status":"completed"}"#).status == 202)
                #expect(try await post("\(base)/task-2/status", json: #"{"status":"completed"}"#).status == 409)
                #expect(try await post("\(base)/task-2/status", json: #"{"status":"rejected","reason":"x"}"#).status == 409)
                #expect(try await post("\(base)/task-3/status", json: #"{"status":"accepted"}"#).status == 202)
            }
        }
        await fixture.close()
    }

    /// The interim empty-string domain of first-contact offers becomes NULL in the store's migration.
    @Test func anEmptyDomainStoredBeforeBecomesNoDomain() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("adapters-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1-offers'), ('v2-offers-without-hub-ids'), ('v3-offer-retry-state');
                CREATE TABLE offers (offer_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, partner_id TEXT NOT NULL,
                    domain TEXT NOT NULL, traceparent TEXT, offered_at DOUBLE NOT NULL, delivered_at DOUBLE,
                    failed_attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at DOUBLE);
                INSERT INTO offers (offer_id, task_id, partner_id, domain, offered_at) VALUES ('o-fc', 't-fc', 'p', '', 1000);
                INSERT INTO offers (offer_id, task_id, partner_id, domain, offered_at) VALUES ('o-h', 't-h', 'p', 'housing', 1000);
                """)
        }
        try old.close()
        let store = try SQLiteOfferStore(path: path)
        let firstContact = try #require(try await store.offer(id: "o-fc"))
        #expect(firstContact.domain == nil && firstContact.kind == .taskOffered)
        #expect(try await store.offer(partnerId: "p", taskId: "t-h")?.domain == .housing)
        try await store.record(OfferRecord(offerId: "o-new", taskId: "t-new", partnerId: "p", domain: nil, offeredAt: Date()))
        #expect(try await store.offer(id: "o-new")?.domain == nil)
    }
}
