import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing
@testable import NazorgIntake

/// Posts `body` (see ``json(_:)``) as a notice.
func submit(_ client: any TestClientProtocol, _ body: Data) async throws -> TestResponse {
    try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders, body: ByteBuffer(data: body))
}

/// The event id in a 202 answer.
func acceptedEventId(_ response: TestResponse) throws -> String {
    let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
    return try #require(answer?["eventId"])
}

/// A notice about the same person as the others, sent last: once it is read, everything
/// intake published before it is too (one person, one partition, in order).
func sentinelNotice() -> [String: Any] {
    setting("noticeId", to: "pi-test-sentinel", in: noticeObject("ReleaseScheduled"))
}

/// Reads the intake topic from the start until the event `lastId` arrived.
func intakeEvents(_ bootstrap: String, through lastId: String, timeout: Duration = .seconds(60)) async throws -> [ReceivedEvent] {
    let consumer = try KafkaConsumer(configuration: fastConsumerConfiguration(bootstrap),
                                     options: ConsumerOptions(groupID: "reader-\(UUID().uuidString)", topics: [Topics.intakeNotices]),
                                     logger: logger)
    var events: [ReceivedEvent] = []
    let deadline = ContinuousClock.now + timeout
    while !events.contains(where: { $0.envelope.id == lastId }) && ContinuousClock.now < deadline {
        events += try await consumer.poll().map { try ReceivedEvent(record: $0) }
    }
    await consumer.close()
    #expect(events.contains { $0.envelope.id == lastId }, "the last event never arrived")
    return events
}

/// An embedded broker with the topics intake writes.
func intakeCluster() throws -> EmbeddedKafkaCluster {
    let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
    try cluster.createTopic(Topics.intakeNotices, partitions: 3)
    try cluster.createTopic(Topics.consentEvents, partitions: 3)
    return cluster
}

/// A D&R plan with structured content and a remark.
func detailedPlan(noticeId: String = "pi-test-plan") -> [String: Any] {
    var object = setting("noticeId", to: noticeId, in: noticeObject("DetentionPlanShared"))
    object["needs"] = [
        ["domain": "housing", "status": "needed", "remark": sentinelRemark,
         "details": ["housing": ["currentSituation": "own-tenancy", "tenancyAtRisk": true]]],
        ["domain": "id", "status": "arranged", "details": ["id": ["validDocumentPresent": true, "documentType": "passport"]]],
    ]
    return object
}

/// Keeps every log line as the service's JSON log handler would write it, metadata included.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    /// A logger that writes both here and to `recorder` (which keeps the messages).
    func logger(_ label: String, recorder: LogRecorder) -> Logger {
        let recorded = recorder.logger(label, level: .trace).handler
        var logger = Logger(label: label) { label in
            MultiplexLogHandler([recorded, Capture(lines: self, json: JSONLogHandler(label: label, level: .trace))])
        }
        logger.logLevel = .trace
        return logger
    }

    struct Capture: LogHandler {
        let lines: LogLines
        var json: JSONLogHandler
        var logLevel: Logger.Level {
            get { json.logLevel }
            set { json.logLevel = newValue }
        }
        var metadata: Logger.Metadata {
            get { json.metadata }
            set { json.metadata = newValue }
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { json[metadataKey: key] }
            set { json[metadataKey: key] = newValue }
        }

        func log(event: LogEvent) {
            let line = json.line(for: event)
            lines.lines.withLock { $0.append(line) }
        }
    }
}

/// A value handed in and out of `@Sendable` closures.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    func update(_ change: (inout Value) -> Void) { storage.withLock { change(&$0) } }
}
