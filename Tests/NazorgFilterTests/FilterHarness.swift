import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

let filterRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let filterTestLogger = quietLogger("filter.tests", level: .critical)
let testSubject = String(repeating: "7a", count: 16)
let testPerson = Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon",
                        birthDate: CalendarDate(year: 1990, month: 1, day: 1)!)
let testCase = UUID(uuidString: "0b6f3d2e-8c1a-4e57-9a2b-3c4d5e6f7a81")!
let testPartnerIDs = try! PartnerPseudonymizer(secret: Array("filter-tests-partner-key-0123456789abcdef".utf8))

/// A moment written as in the contracts.
func instant(_ text: String) -> Date { ContractCoding.parseTimestamp(text)! }

/// The partner topics the harness creates.
let harnessPartners = ["woon-test", "id-test", "no-policy", "schuld-test", "zorg-test", "gemeente-test"]

func makeTask(_ domain: Domain?, partner: String, role: PartnerRole, taskId: String? = nil, taskType: TaskType = .deliver,
              caseId: UUID = testCase) -> TaskAssigned {
    TaskAssigned(taskId: taskId ?? "task-\(domain?.rawValue ?? taskType.rawValue)", caseId: caseId, subjectId: testSubject,
                 municipality: "GM0363", prisonCode: "PI-TEST", person: testPerson, taskType: taskType, domain: domain,
                 partnerId: partner, partnerRole: role, deadline: CalendarDate(year: 2027, month: 3, day: 15)!,
                 expectedReleaseDate: CalendarDate(year: 2027, month: 3, day: 15)!, assignedAt: Date())
}

/// A filter engine on an embedded broker, plus a way to read what it wrote.
struct FilterHarness {
    let cluster: EmbeddedKafkaCluster
    let producer: KafkaProducer
    let engine: FilterEngine
    let publisher: EventPublisher
    let store: FilterStore
    let policies: PolicySet

    init(producerProperties: [String: String] = [:]) throws {
        cluster = try EmbeddedKafkaCluster(brokers: 1, logger: filterTestLogger)
        for topic in Topics.all + harnessPartners.map(Topics.partnerTasks) {
            try cluster.createTopic(topic, partitions: 1)
        }
        producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers,
                                                                       properties: producerProperties),
                                     logger: filterTestLogger)
        store = try Self.newStore()
        publisher = EventPublisher(producer: producer, source: "/test")
        let loaded = try PolicySet.load(directory: filterRoot.appendingPathComponent("Contracts/policies").path)
        var policies = loaded.policies
        policies[.probation] = nil
        self.policies = try PolicySet(Array(policies.values), monitoring: loaded.monitoring)
        engine = FilterEngine(policies: self.policies, store: store, publisher: publisher, partnerIDs: testPartnerIDs,
                              logger: filterTestLogger)
    }

    static func newStore() throws -> FilterStore {
        try FilterStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("filter-\(UUID().uuidString).sqlite").path)
    }

    /// Another engine on the same broker: with a fresh store, it is the filter after a crash
    /// that lost everything not yet finished.
    func engine(store: FilterStore) -> FilterEngine {
        FilterEngine(policies: policies, store: store, publisher: publisher, partnerIDs: testPartnerIDs, logger: filterTestLogger)
    }

    func deliver<P: EventPayload>(_ payload: P, id: String, trace: TraceParent = .random(), to engine: FilterEngine? = nil,
                                  subject: String = testSubject) async throws {
        let record = try publisher.record(payload, topic: "input", key: subject, id: id, subject: subject, trace: trace)
        try await (engine ?? self.engine).handleAlone(
            ReceivedEvent(record: ConsumerRecord(topic: "input", partition: 0, offset: 0, key: record.key, value: record.value,
                                                 headers: record.headers, timestampMilliseconds: nil)),
            writingWith: producer)
    }

    /// Hands records read from a topic (the consent API's, say) to the engine one by one, as
    /// its consumer would.
    func deliver(records: [ConsumerRecord], to engine: FilterEngine? = nil) async throws {
        for record in records {
            try await (engine ?? self.engine).handleAlone(ReceivedEvent(record: record), writingWith: producer)
        }
    }

    func read(_ topic: String, atLeast count: Int, timeout: Duration = .seconds(15)) async throws -> [ConsumerRecord] {
        try await readTopic(cluster.bootstrapServers, topic, atLeast: count, timeout: timeout)
    }

    /// The disclosure log without monitoring's records (every input the monitoring policy
    /// lets through adds one): partner disclosures, refusals, breaches and policy
    /// activations, in log order, once at least `count` of them arrived.
    func partnerLog(atLeast count: Int, timeout: Duration = .seconds(15)) async throws -> [ConsumerRecord] {
        let records = try await readTopic(cluster.bootstrapServers, Topics.filterDisclosures, timeout: timeout) {
            withoutMonitoring($0).count >= count
        }
        return withoutMonitoring(records)
    }

    /// The disclosure-log records of messages that reached a partner (disclosed or retracted),
    /// once at least `count` are on the log.
    func partnerDisclosures(atLeast count: Int, timeout: Duration = .seconds(15)) async throws -> [DisclosureLogged] {
        func reached(_ records: [ConsumerRecord]) -> [DisclosureLogged] {
            withoutMonitoring(records).filter { $0.eventType == .disclosureLogged }
                .compactMap { try? DisclosureLogged.decodedJSON(Data($0.value)) }.filter(\.reachedPartner)
        }
        return reached(try await readTopic(cluster.bootstrapServers, Topics.filterDisclosures, timeout: timeout) {
            reached($0).count >= count
        })
    }

    /// The records of a partner's topic, once at least `count` arrived.
    func partnerRecords(_ partner: String, atLeast count: Int) async throws -> [ConsumerRecord] {
        try await read(Topics.partnerTasks(partner), atLeast: count)
    }

    func close() async {
        await producer.close()
        cluster.shutdown()
    }
}

/// Disclosure-log records other than monitoring's.
func withoutMonitoring(_ records: [ConsumerRecord]) -> [ConsumerRecord] {
    records.filter { record in
        guard record.eventType == .disclosureLogged, let logged = try? DisclosureLogged.decodedJSON(Data(record.value)) else {
            return true
        }
        return logged.receiverRole != .rcnMonitoring
    }
}

extension ConsumerRecord {
    var eventType: EventType? { headers.text(CloudEventHeader.type).flatMap(EventType.init(ceType:)) }
    var eventId: String? { headers.text(CloudEventHeader.id) }
    var text: String { String(decoding: value, as: UTF8.self) }
}

/// Every record validates against its event type's JSON Schema (Python jsonschema, through
/// Tests/contracts/validate.py), conditional rules included.
func expectSchemaConformance(_ records: [ConsumerRecord], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("filter-records-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: out) }
    for (index, record) in records.enumerated() {
        let type = try #require(record.eventType, sourceLocation: sourceLocation)
        try Data(record.value).write(to: out.appendingPathComponent("\(type.rawValue)-\(index).json"))
    }
    try expectContractsValidate(["events", out.path], sourceLocation: sourceLocation)
}

/// Runs Tests/contracts/validate.py with `arguments` and expects it to pass.
func expectContractsValidate(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", filterRoot.appendingPathComponent("Tests/contracts/validate.py").path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)", sourceLocation: sourceLocation)
}
