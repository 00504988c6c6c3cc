import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NazorgAdapters
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle
import Synchronization
import NazorgTestSupport
import Testing

let testLogger = quietLogger("nazorg.adapters.tests")

/// Consumer settings that make joining a group quick on the embedded broker.
func fastKafka(_ bootstrap: String) -> KafkaConfiguration {
    fastConsumerConfiguration(bootstrap, clientID: "adapters-tests")
}

/// A partner's webhook in the test: answers with scripted statuses (then 200) and records
/// every request it received.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        /// Header names in lowercase.
        var headers: [String: String]
        var body: [UInt8]
        var at = Date()
    }

    private let state: Mutex<(script: [Int], received: [Received])>
    let endpoint = HTTPEndpoint(host: "127.0.0.1", port: 0)

    init(answers: [Int] = []) {
        state = Mutex((script: answers, received: []))
    }

    var received: [Received] { state.withLock { $0.received } }

    /// The HTTP server to run next to the adapters.
    func service() -> some Service {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = self.state.withLock { state -> Int in
                state.received.append(Received(headers: headers, body: Array(buffer: body)))
                return state.script.isEmpty ? 200 : state.script.removeFirst()
            }
            return Response(status: .init(code: status))
        }
        return endpoint.application(router: router, name: "webhook-receiver", logger: testLogger)
    }

    func url() async throws -> String {
        "http://127.0.0.1:\(try await endpoint.waitForPort())/hook"
    }
}

/// Builds a TaskOffered record as the filter writes it onto a partner topic.
/// `subjectId` is the partner's own pseudonym, the record key; the record has no `ce_subject`.
func offerRecord(_ offer: TaskOffered, subjectId: String, producer: KafkaProducer) throws -> ProducerRecord {
    let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/filter")
    return try publisher.record(offer, topic: Topics.partnerTasks(offer.partnerId), key: subjectId,
                                id: DeterministicID.string("offer", offer.offerId), subject: nil, trace: .random())
}

/// Builds any partner-topic record (update, cancellation, retraction) as the filter writes it.
func partnerRecord<P: EventPayload>(_ message: P, id: String, partnerId: String, subjectId: String,
                                    producer: KafkaProducer) throws -> ProducerRecord {
    let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/filter")
    return try publisher.record(message, topic: Topics.partnerTasks(partnerId), key: subjectId, id: DeterministicID.string("msg", id),
                                subject: nil, trace: .random())
}

func sampleOffer(partnerId: String, taskId: String, domain: Domain = .housing) -> TaskOffered {
    TaskOffered(offerId: "offer-\(taskId)", taskId: taskId, partnerId: partnerId, domain: domain,
                deadline: CalendarDate(year: 2027, month: 3, day: 1)!, deadlinePrecision: .day, processingActivityId: "pa-\(domain.rawValue)-offer",
                subject: TaskOffered.Subject(givenName: "Tessa", surname: "Testpersoon", municipality: "0363"))
}

/// POSTs JSON and returns the status and body.
func post(_ url: String, json: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: json))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body))
}
