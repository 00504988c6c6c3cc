import AsyncHTTPClient
import Foundation
import NazorgAdapters
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import Synchronization
import NazorgTestSupport
import NIOCore
import Testing

@Suite(.serialized)
struct StatusAPITests {
    let housing = "test-woningcorporatie"
    let debts = "test-schuldhulp"
    let subjectId = "0123456789abcdef0123456789abcdef"

    /// Runs the adapters with two partners, delivers one housing offer to the first, and hands
    /// the status URL base to `body`.
    func withDeliveredOffer(callers: CallerTokens? = nil,
                            _ body: (_ fixture: AdaptersFixture, _ baseURL: String) async throws -> Void) async throws {
        let fixture = try AdaptersFixture()
        var options = fixture.options
        options.callers = callers
        let housingHook = WebhookReceiver()
        let debtsHook = WebhookReceiver()
        try await withServices([housingHook.service(), debtsHook.service()]) {
            let directory = try fixture.directory([housing: try await housingHook.url(), debts: try await debtsHook.url()])
            let assembly = try AdaptersService.make(options: options, directory: directory, httpClient: .shared, logger: testLogger)
            try await withServices(assembly.services) {
                try await fixture.producer.send(offerRecord(sampleOffer(partnerId: housing, taskId: "task-1"), subjectId: subjectId,
                                                            producer: fixture.producer))
                try await waitUntil("the offer was delivered") { housingHook.received.count >= 1 }
                let port = try await assembly.endpoint.waitForPort()
                try await body(fixture, "http://127.0.0.1:\(port)")
            }
        }
        await fixture.close()
    }

    @Test func rejectionNeedsAReasonAndIsPublishedKeyedByTheTaskAlone() async throws {
        try await withDeliveredOffer { fixture, base in
            let url = "\(base)/v1/partners/\(housing)/tasks/task-1/status"
            let invalid = try await post(url, json: #"{"status":"rejected"}"#)
            #expect(invalid.status == 400)
            let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(invalid.body.utf8))
            #expect(problem.errors?.map(\.field) == ["/reason"])
            #expect(problem.statusCode == 400)

            let accepted = try await post(url, json: #"{"status":"rejected","reason":"Geen woning in deze regio."}"#,
                                          headers: ["Idempotency-Key": "report-1"])
            #expect(accepted.status == 202)
            let eventId = DeterministicID.string("status", housing, "task-1", "report-1")
            #expect(accepted.body.contains(eventId))

            let consumer = try KafkaConsumer(configuration: fastKafka(fixture.cluster.bootstrapServers),
                                             options: ConsumerOptions(groupID: "status-reader-\(UUID())", topics: [Topics.partnerStatus]),
                                             logger: testLogger)
            let found = FoundEvent()
            try await waitUntil("the status event is on the partner-status topic") {
                for record in try await consumer.poll() where record.headers.text(CloudEventHeader.id) == eventId {
                    found.set(record)
                }
                return found.record != nil
            }
            await consumer.close()
            let record = try #require(found.record)
            let event = try ReceivedEvent(record: record)
            let changed = try event.decode(TaskStatusChanged.self)
            // The adapters hold no hub-internal ids: planning resolves the task.
            #expect(changed.caseId == nil)
            #expect(changed.subjectId == nil)
            #expect(changed.partnerId == housing)
            #expect(changed.taskId == "task-1")
            #expect(changed.domain == .housing)
            #expect(changed.status == .rejected)
            #expect(changed.reason == "Geen woning in deze regio.")
            #expect(record.key.map { String(decoding: $0, as: UTF8.self) } == "task-1")
            #expect(event.envelope.subject == nil)
            #expect(event.envelope.source == AdaptersService.source)
        }
    }

    @Test func withTokensAPartnerReportsOnlyForItself() async throws {
        let callers = try CallerTokens(callers: [
            .init(name: "housing-partner", sha256: CallerTokens.hash("housing-token-for-tests"), scopes: [housing]),
            .init(name: "debts-partner", sha256: CallerTokens.hash("debts-token-for-tests"), scopes: [debts]),
        ])
        try await withDeliveredOffer(callers: callers) { _, base in
            let url = "\(base)/v1/partners/\(housing)/tasks/task-1/status"
            #expect(try await post(url, json: #"{"status":"accepted"}"#).status == 401)
            #expect(try await post(url, json: #"{"status":"accepted"}"#, headers: ["Authorization": "Bearer wrong"]).status == 401)
            // Another partner's valid token may not report for this partner, and learns nothing about the task.
            let other = try await post(url, json: #"{"status":"accepted"}"#, headers: ["Authorization": "Bearer debts-token-for-tests"])
            #expect(other.status == 403)
            let own = try await post(url, json: #"{"status":"accepted"}"#, headers: ["Authorization": "Bearer housing-token-for-tests"])
            #expect(own.status == 202)
        }
    }

    @Test func anotherPartnersTaskIsNotFound() async throws {
        try await withDeliveredOffer() { _, base in
            let otherPartner = try await post("\(base)/v1/partners/\(debts)/tasks/task-1/status", json: #"{"status":"accepted"}"#)
            #expect(otherPartner.status == 404)
            #expect(!otherPartner.body.contains(housing))
            let unknownPartner = try await post("\(base)/v1/partners/nobody/tasks/task-1/status", json: #"{"status":"accepted"}"#)
            #expect(unknownPartner.status == 404)
            let unknownTask = try await post("\(base)/v1/partners/\(housing)/tasks/task-9/status", json: #"{"status":"accepted"}"#)
            #expect(unknownTask.status == 404)
            let ready = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(base)/health/ready"), timeout: .seconds(10))
            #expect(ready.status == .ok)
            // A path value outside the contract's pattern gets no further than a 404.
            let odd = try await post("\(base)/v1/partners/\(housing)/tasks/task%0A1/status", json: #"{"status":"accepted"}"#)
            #expect(odd.status == 404)
            let own = try await post("\(base)/v1/partners/\(housing)/tasks/task-1/status", json: #"{"status":"accepted"}"#)
            #expect(own.status == 202)
        }
    }

    @Test func aBodyNotDeclaredJSONGets415AndABadIdempotencyKey400() async throws {
        try await withDeliveredOffer() { _, base in
            let url = "\(base)/v1/partners/\(housing)/tasks/task-1/status"
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/plain")
            request.body = .bytes(ByteBuffer(string: #"{"status":"accepted"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 415)
            let badKey = try await post(url, json: #"{"status":"accepted"}"#, headers: ["Idempotency-Key": "sp ace"])
            #expect(badKey.status == 400)
        }
    }
}

final class FoundEvent: Sendable {
    private let state = Mutex<ConsumerRecord?>(nil)
    func set(_ record: ConsumerRecord) { state.withLock { $0 = record } }
    var record: ConsumerRecord? { state.withLock { $0 } }
}
