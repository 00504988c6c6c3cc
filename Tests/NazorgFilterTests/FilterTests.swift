import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let logger = quietLogger("filter.tests", level: .critical)

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let subject = String(repeating: "7a", count: 16)
private let person = Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon", birthDate: CalendarDate(year: 1990, month: 1, day: 1)!)

private func task(_ domain: Domain, partner: String, role: PartnerRole) -> TaskAssigned {
    TaskAssigned(taskId: "task-\(domain.rawValue)", caseId: UUID(), subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST",
                 person: person, domain: domain, partnerId: partner, partnerRole: role,
                 deadline: CalendarDate(year: 2027, month: 3, day: 15)!, expectedReleaseDate: CalendarDate(year: 2027, month: 3, day: 15)!,
                 assignedAt: Date())
}

/// A filter engine on an embedded broker, plus a way to read what it wrote.
private struct Harness {
    let cluster: EmbeddedKafkaCluster
    let producer: KafkaProducer
    let engine: FilterEngine
    let publisher: EventPublisher
    let store: FilterStore

    init() throws {
        cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        for topic in Topics.all + [Topics.partnerTasks("woon-test"), Topics.partnerTasks("id-test"), Topics.partnerTasks("no-policy")] {
            try cluster.createTopic(topic, partitions: 1)
        }
        producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), logger: logger)
        store = try FilterStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("filter-\(UUID().uuidString).sqlite").path)
        publisher = EventPublisher(producer: producer, source: "/test")
        var policies = try PolicySet.load(directory: root.appendingPathComponent("Contracts/policies").path).policies
        policies[.probation] = nil
        engine = FilterEngine(policies: try PolicySet(Array(policies.values)), store: store, publisher: publisher, logger: logger)
    }

    func deliver<P: EventPayload>(_ payload: P, id: String) async throws {
        let record = try publisher.record(payload, topic: "input", key: subject, id: id, subject: subject, trace: .random())
        try await engine.handle(ReceivedEvent(record: ConsumerRecord(topic: "input", partition: 0, offset: 0, key: record.key,
                                                                     value: record.value, headers: record.headers,
                                                                     timestampMilliseconds: nil)))
    }

    func read(_ topic: String, atLeast count: Int, timeout: Duration = .seconds(15)) async throws -> [ConsumerRecord] {
        try await readTopic(cluster.bootstrapServers, topic, atLeast: count, timeout: timeout)
    }

    func close() async {
        await producer.close()
        cluster.shutdown()
    }
}

@Suite("Consent and purpose filter", .serialized)
struct FilterTests {
    @Test func policiesLoadAndInvalidOnesAreRefused() throws {
        let set = try PolicySet.load(directory: root.appendingPathComponent("Contracts/policies").path)
        let housing = try #require(set.policy(for: .housingCorporation))
        #expect(housing.needsConsent)
        #expect(!housing.fields.contains(.bsn))
        #expect(set.policy(for: .civilAffairs)?.fields.contains(.bsn) == true)
        #expect(throws: ConfigurationError.self) {
            try PolicySet.parse(yaml: "role: probation\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: [TaskAssigned]\nfields: [offence]", name: "t")
        }
        #expect(throws: ConfigurationError.self) {
            try PolicySet.parse(yaml: "role: nobody\nprocessingActivity: {id: X, purpose: Y}\nlegalBasis: consent\neventTypes: []\nfields: []", name: "t")
        }
    }

    @Test func consentBasedTaskWaitsForConsentThenIsDisclosedMinimisedAndLogged() async throws {
        let h = try Harness()
        let housing = task(.housing, partner: "woon-test", role: .housingCorporation)
        try await h.deliver(housing, id: "assigned-housing")
        #expect(try await h.store.parkedCount() == 1)
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .housing, givenAt: Date()), id: "consent-1")
        #expect(try await h.store.parkedCount() == 0)

        let offers = try await h.read(Topics.partnerTasks("woon-test"), atLeast: 1)
        #expect(offers.count == 1)
        let offerRecord = try #require(offers.first)
        let text = String(decoding: offerRecord.value, as: UTF8.self)
        #expect(!text.contains("999990019"))
        let offer = try ReceivedEvent(record: offerRecord).decode(TaskOffered.self)
        #expect(offer.subject.bsn == nil && offer.subject.birthDate == nil && offer.subject.prisonCode == nil)
        #expect(offer.subject.surname == "Testpersoon")
        #expect(offer.processingActivityId == "PA-NAZORG-02")
        #expect(offerRecord.headers.text(HubHeader.caseId) == housing.caseId.uuidString.lowercased())

        let log = try await h.read(Topics.filterDisclosures, atLeast: 1)
        #expect(log.count == 1)
        let logged = try ReceivedEvent(record: try #require(log.first)).decode(DisclosureLogged.self)
        #expect(logged.receiverId == "woon-test")
        #expect(logged.legalBasis == .consent)
        #expect(logged.sourceEventId == "assigned-housing")
        #expect(!logged.disclosedFields.contains("subject.bsn"))
        #expect(logged.disclosedFields.contains("subject.surname"))
        await h.close()
    }

    @Test func publicTaskRoleGetsItsFieldsAtOnceAndUnknownRoleNothing() async throws {
        let h = try Harness()
        try await h.deliver(task(.id, partner: "id-test", role: .civilAffairs), id: "assigned-id")
        try await h.deliver(task(.network, partner: "no-policy", role: .probation), id: "assigned-probation")
        let offers = try await h.read(Topics.partnerTasks("id-test"), atLeast: 1)
        let offer = try ReceivedEvent(record: try #require(offers.first)).decode(TaskOffered.self)
        #expect(offer.subject.bsn == "999990019")
        #expect(offer.subject.municipality == nil)  // not in the civil-affairs allow-list
        #expect(try await h.read(Topics.partnerTasks("no-policy"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    @Test func withdrawnConsentStopsFurtherDisclosure() async throws {
        let h = try Harness()
        try await h.deliver(ConsentGiven(consentId: "c1", subjectId: subject, domain: .housing, givenAt: Date()), id: "consent-1")
        try await h.deliver(ConsentWithdrawn(consentId: "c1", subjectId: subject, domain: .housing, withdrawnAt: Date()), id: "withdraw-1")
        try await h.deliver(task(.housing, partner: "woon-test", role: .housingCorporation), id: "assigned-housing")
        #expect(try await h.store.parkedCount() == 1)
        #expect(try await h.read(Topics.partnerTasks("woon-test"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        await h.close()
    }

    @Test func failedDisclosureLogMeansNoDisclosure() async throws {
        let h = try Harness()
        // The next Produce request (the disclosure-log record) is refused as unauthorised.
        h.cluster.pushRequestErrors(apiKey: 0, errors: [29])
        let id = task(.id, partner: "id-test", role: .civilAffairs)
        await #expect(throws: (any Error).self) { try await h.deliver(id, id: "assigned-id") }
        #expect(try await h.read(Topics.partnerTasks("id-test"), atLeast: 0, timeout: .seconds(2)).isEmpty)
        // Redelivered, it goes through, with the same disclosure id.
        try await h.deliver(id, id: "assigned-id")
        let offers = try await h.read(Topics.partnerTasks("id-test"), atLeast: 1)
        #expect(offers.count == 1)
        await h.close()
    }
}
