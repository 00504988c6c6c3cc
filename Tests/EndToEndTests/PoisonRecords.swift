import AsyncHTTPClient
import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

/// Writes records no service can process straight onto every topic a service consumes,
/// bypassing intake as a broken or hostile producer would, then shows that every service is
/// still running, that each poison record is on the dead-letter topic with its reason, and
/// that a new notice still flows through the whole chain.
func poisonEveryConsumerAndShowTheChainLives(bootstrap: String, http: HTTPClient, ports: [String: Int], inbox: Inbox,
                                             services: [ServiceProcess]) async throws {
    let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: bootstrap, clientID: "e2e-poison"),
                                     logger: quietLogger("e2e.poison"))
    let publisher = EventPublisher(producer: producer, source: "/e2e/poison")
    let subject = String(repeating: "5e", count: 16)
    let person = Person(bsn: "999990020", givenName: "Pim", surname: "Proefpersoon",
                        birthDate: CalendarDate(year: 1980, month: 5, day: 5) ?? CalendarDate(year: 1980, month: 1, day: 1)!)
    var poison: [ProducerRecord] = []
    // Planning: a plan whose dates push a deadline off the calendar (debts: release + 28 days,
    // id: release - 14 days), as intake would once have let through.
    for (index, (release, domain)) in [("9999-12-31", Domain.debts), ("0001-01-01", Domain.id)].enumerated() {
        let plan = DetentionPlanShared(noticeId: "poison-\(index)", subjectId: subject, municipality: "GM0363", prisonCode: "PI-TEST",
                                       person: person, reportedAt: Date(), detentionType: .sentence,
                                       expectedReleaseDate: CalendarDate(string: release)!,
                                       needs: [Need(domain: domain, status: .needed)], consents: [])
        poison.append(try publisher.record(plan, topic: Topics.intakeNotices, key: subject, id: "poison-plan-\(index)",
                                           subject: subject, trace: .random()))
    }
    // Every consumed topic: a body that is not JSON under a known type, and a record without headers.
    let consumed: [(String, EventType)] = [
        (Topics.intakeNotices, .detentionStarted), (Topics.partnerStatus, .taskStatusChanged),
        (Topics.planningCaseEvents, .taskAssigned), (Topics.consentEvents, .consentGiven),
        (Topics.partnerTasks("woon-e2e"), .taskOffered), (Topics.monitoringFeed, .flowObserved),
    ]
    for (topic, type) in consumed {
        let envelope = EventEnvelope(id: "poison-\(topic)-\(type.rawValue)", source: "/e2e/poison", type: type, time: Date(),
                                     subject: subject, traceparent: .random())
        poison.append(ProducerRecord(topic: topic, key: subject, value: Array("{\"not\": json".utf8), headers: envelope.headers))
        poison.append(ProducerRecord(topic: topic, key: subject, value: [0xff, 0x00, 0xfe], headers: []))
    }
    // Planning: a status report for a task that never existed.
    let unknown = TaskStatusChanged(taskId: "task-that-never-was", partnerId: "woon-e2e", domain: .housing, status: .accepted,
                                    changedAt: Date())
    poison.append(try publisher.record(unknown, topic: Topics.partnerStatus, key: unknown.taskId, id: "poison-status",
                                       subject: nil, trace: .random()))
    try await producer.send(batch: poison)

    // Every poison record ends on the dead-letter topic, with a reason. Several services read
    // some of the same topics, so the count alone says little: wait for the reasons and the
    // services expected.
    let expectedReasons: Set<String> = ["date-out-of-range", "unknown-task", "invalid-payload", "missing-header"]
    let expectedServices: Set<String> = ["planning", "filter", "adapters", "monitoring"]
    let poisonCount = poison.count
    try await waitUntil("every service dead-lettered its poison, with the reasons", timeout: .seconds(180)) {
        let dead = try await readTopic(bootstrap, Topics.deadLetter, atLeast: poisonCount, timeout: .seconds(30))
        let reasons = Set(dead.compactMap { $0.headers.text(DeadLetterHeader.reason) })
        let services = Set(dead.compactMap { $0.headers.text(DeadLetterHeader.service) })
        return dead.count >= poisonCount && reasons.isSuperset(of: expectedReasons) && services.isSuperset(of: expectedServices)
    }

    // And the chain still works: a new plan reaches the partners.
    let before = (inbox.count("woon-e2e"), inbox.count("idbalie-e2e"))
    let notice = """
        {"type":"DetentionPlanShared","noticeId":"e2e-plan-after-poison","municipality":"GM0363","prisonCode":"PI-TEST",
         "person":{"bsn":"999990032","givenName":"Tim","surname":"Testgeval","birthDate":"1985-06-15"},
         "detentionType":"sentence","expectedReleaseDate":"2027-05-10",
         "needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"needed"}], "consents":["housing"]}
        """
    let accepted = try await post(http, "http://127.0.0.1:\(ports["intake"]!)/v1/notices", notice,
                                  headers: ["Authorization": "Bearer e2e-desk-token"])
    #expect(accepted.status == 202)
    try await waitUntil("partners receive the new plan's tasks after the poison", timeout: .seconds(90)) {
        inbox.count("woon-e2e") > before.0 && inbox.count("idbalie-e2e") > before.1
    }
    for service in services {
        #expect(service.isRunning, "\(service.name) stopped after poison input")
    }
    await producer.close()
}
