import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

private let logger: Logger = {
    var l = Logger(label: "runtime.tests")
    l.logLevel = .error
    return l
}()

/// Runs a program to completion and returns its standard output.
private func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    let inPipe = Pipe()
    if input != nil { process.standardInput = inPipe }
    try process.run()
    if let input {
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

private let kcat = ["/usr/bin/kcat", "/usr/bin/kafkacat"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("CloudEvents over Kafka with an independent client", .serialized)
struct CloudEventInteropTests {
    @Test(.enabled(if: kcat != nil, "kcat is installed by scripts/install-deps.sh"))
    func kcatReadsTheCloudEventTheSwiftProducerWrote() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.consentEvents, partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        let publisher = EventPublisher(producer: producer, source: "/nazorg-hub/test")
        let subject = String(repeating: "ab", count: 16)
        let consent = ConsentGiven(consentId: "consent-1", subjectId: subject, domain: .housing,
                                   givenAt: ContractCoding.normalized(Date()), sourceNoticeId: "notice-1")
        let trace = TraceParent.random()
        try await publisher.publish(consent, topic: Topics.consentEvents, key: subject, id: "evt-kcat-1", subject: subject, trace: trace)
        await producer.close()

        let result = try run(kcat!, ["-b", cluster.bootstrapServers, "-C", "-t", Topics.consentEvents, "-o", "beginning",
                                     "-c", "1", "-e", "-J", "-q"])
        #expect(result.status == 0)
        let line = try #require(result.output.split(separator: "\n").first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["key"] as? String == subject)
        // kcat -J lists headers as a flat [name, value, name, value, ...] array.
        let flat = try #require(json["headers"] as? [String])
        var headers: [String: String] = [:]
        for i in stride(from: 0, to: flat.count - 1, by: 2) { headers[flat[i]] = flat[i + 1] }
        #expect(headers["ce_specversion"] == "1.0")
        #expect(headers["ce_id"] == "evt-kcat-1")
        #expect(headers["ce_type"] == "nl.nazorg.ConsentGiven.v1")
        #expect(headers["ce_source"] == "/nazorg-hub/test")
        #expect(headers["ce_subject"] == subject)
        #expect(headers["ce_dataschema"] == "urn:nazorg-hub:schema:consent-given:v1")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["traceparent"] == trace.description)
        #expect(headers["ce_time"].flatMap(ContractCoding.parseTimestamp) != nil)
        let payload = try #require(json["payload"] as? String)
        #expect(try ConsentGiven.decodedJSON(Data(payload.utf8)) == consent)
    }

    @Test(.enabled(if: kcat != nil, "kcat is installed by scripts/install-deps.sh"))
    func swiftConsumerReadsTheCloudEventKcatWrote() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic("interop", partitions: 1)
        let subject = String(repeating: "cd", count: 16)
        let body = #"{"consentId":"c-9","domain":"debts","subjectId":"\#(subject)","withdrawnAt":"2026-11-23T08:00:00.000Z"}"#
        let result = try run(kcat!, ["-b", cluster.bootstrapServers, "-P", "-t", "interop", "-k", subject,
                                     "-H", "ce_specversion=1.0", "-H", "ce_id=kcat-1", "-H", "ce_source=/kcat",
                                     "-H", "ce_type=nl.nazorg.ConsentWithdrawn.v1", "-H", "ce_time=2026-11-23T08:00:00.000Z",
                                     "-H", "ce_subject=\(subject)", "-H", "content-type=application/json",
                                     "-H", "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
                                 input: body + "\n")
        #expect(result.status == 0)
        let consumer = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers),
                                         options: ConsumerOptions(groupID: "interop", topics: ["interop"]), logger: logger)
        var records: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while records.isEmpty && ContinuousClock.now < deadline { records = try await consumer.poll() }
        await consumer.close()
        let event = try ReceivedEvent(record: try #require(records.first))
        #expect(event.envelope.id == "kcat-1")
        #expect(event.envelope.type == .consentWithdrawn)
        #expect(event.envelope.subject == subject)
        #expect(event.envelope.traceparent.traceID == "0af7651916cd43dd8448eb211c80319c")
        let withdrawn = try event.decode(ConsentWithdrawn.self)
        #expect(withdrawn.domain == .debts)
        #expect(withdrawn.consentId == "c-9")
    }
}
