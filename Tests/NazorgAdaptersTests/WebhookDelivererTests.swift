import AsyncHTTPClient
import Foundation
import NazorgAdapters
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

struct WebhookDelivererTests {
    let subjectId = "0123456789abcdef0123456789abcdef"

    func event() throws -> ReceivedEvent {
        let offer = sampleOffer(partnerId: "test-schuldhulp", taskId: "task-1", domain: .debts)
        let envelope = EventEnvelope(id: "offer-event-1", source: "/nazorg-hub/filter", type: .taskOffered, time: Date(),
                                     subject: subjectId, traceparent: .random())
        let headers = envelope.headers
        return try ReceivedEvent(record: ConsumerRecord(topic: Topics.partnerTasks("test-schuldhulp"), partition: 0, offset: 0,
                                                        key: Array(subjectId.utf8), value: Array(try offer.encodedJSON()),
                                                        headers: headers, timestampMilliseconds: nil))
    }

    @Test func headersCarryOnlyCloudEventsTraceAndIdempotencyKey() throws {
        let headers = WebhookDeliverer.headers(for: try event(), idempotencyKey: "offer-task-1")
        let names = headers.map { $0.0.lowercased() }
        #expect(Set(names) == ["content-type", "idempotency-key", "ce-specversion", "ce-id", "ce-type", "ce-source", "ce-time",
                               "ce-dataschema", "traceparent"])
        #expect(!headers.contains { $0.1.contains(subjectId) })
    }

    @Test func unreachableWebhookIsARetriableTransportError() async throws {
        let deliverer = WebhookDeliverer(partnerId: "test-schuldhulp", url: "http://127.0.0.1:1/hook", httpClient: .shared,
                                         timeout: .seconds(1), logger: testLogger)
        let error = await #expect(throws: WebhookDeliveryError.self) {
            try await deliverer.deliver(try event(), idempotencyKey: "offer-task-1")
        }
        #expect(error?.code == .transport)
        #expect(error?.isRetriable == true)
    }
}
