import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgFilter

private let subjects = try! SubjectPseudonymizer(secret: Array("erasure-tests-subject-key-0123456789abcdef".utf8))
private let bsn = "999990019"
private let person = subjects.pseudonym(forBSN: bsn)
private let strangerBSN = "999990020"
private let coordinatorToken = "erasure-coordinator-token-gm0363-0123456789"
private let otherDeskToken = "erasure-desk-token-pi-other-0123456789"
private let callers = try! ConsentCallers([
    .init(name: "coordinator-amsterdam", sha256: CallerTokens.hash(coordinatorToken), role: .municipalityCoordinator,
          scopes: ["GM0363"]),
    .init(name: "pi-other-desk", sha256: CallerTokens.hash(otherDeskToken), role: .piDesk, scopes: ["PI-OTHER"]),
])

private func headers(_ token: String?, json: Bool = true) -> HTTPFields {
    var fields = HTTPFields()
    if let token { fields[.authorization] = "Bearer \(token)" }
    if json { fields[.contentType] = "application/json" }
    return fields
}

@Suite("Erasure API (art. 17): recorded, keys deleted, partners asked to delete, rows gone", .serialized)
struct ErasureAPITests {
    @Test func theCoordinatorErasesAPersonAndTheFilterFinishesIt() async throws {
        let h = try FilterHarness()
        defer { Task { await h.close() } }
        let keys = try SubjectKeyStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("erasure-keys-\(UUID().uuidString).sqlite").path)
        let publisher = EventPublisher(producer: h.producer, source: FilterService.source, sealing: SubjectSealing(keys: keys))
        let engine = FilterEngine(policies: h.policies, store: h.store, publisher: publisher, partnerIDs: testPartnerIDs,
                                  logger: filterTestLogger)
        try await h.deliver(DetentionStarted(noticeId: "n-start", subjectId: person, municipality: "GM0363", prisonCode: "PI-TEST",
                                             person: testPerson, reportedAt: Date(), detentionType: .sentence,
                                             detentionStartDate: CalendarDate(year: 2027, month: 1, day: 4)!),
                            id: "evt-n-start", to: engine, subject: person)
        try await h.deliver(ConsentGiven(consentId: "c-housing", subjectId: person, domain: .housing, givenAt: Date()),
                            id: "consent-housing", to: engine, subject: person)
        for (domain, partner, role) in [(Domain.id, "id-test", PartnerRole.civilAffairs), (.housing, "woon-test", .housingCorporation)] {
            var task = makeTask(domain, partner: partner, role: role)
            task.subjectId = person
            try await h.deliver(task, id: "assigned-\(domain.rawValue)", to: engine, subject: person)
        }
        #expect(try await h.partnerRecords("woon-test", atLeast: 1).count == 1)
        let (kid, _) = try keys.sealingKey(subjectId: person, scope: "hub")

        let logs = LogRecorder()
        let router = Router()
        ErasureRoute.add(to: router, publisher: publisher, store: h.store,
                         settings: ConsentAPISettings(callers: callers, pseudonymizer: subjects),
                         logger: logs.logger("erasure"))
        try await Application(router: router).test(.router) { client in
            let path = "/v1/subjects/\(bsn)/erasure"
            let body = ByteBuffer(string: #"{"evidenceRef":"FORM-ERASE-1"}"#)
            #expect(try await client.execute(uri: path, method: .post, headers: headers(nil), body: body).status == .unauthorized)
            #expect(try await client.execute(uri: path, method: .post, headers: headers(coordinatorToken, json: false), body: body).status
                    == .unsupportedMediaType)
            #expect(try await client.execute(uri: "/v1/subjects/999990018/erasure", method: .post, headers: headers(coordinatorToken),
                                             body: body).status == .badRequest)
            for bad in [#"{}"#, #"{"evidenceRef":"has spaces"}"#, #"{"evidenceRef":"F-1","reason":"x"}"#, "not json"] {
                let answer = try await client.execute(uri: path, method: .post, headers: headers(coordinatorToken),
                                                      body: ByteBuffer(string: bad))
                #expect(answer.status == .badRequest, "\(bad)")
            }
            #expect(try await client.execute(uri: "/v1/subjects/\(strangerBSN)/erasure", method: .post,
                                             headers: headers(coordinatorToken), body: body).status == .notFound)
            #expect(try await client.execute(uri: path, method: .post, headers: headers(otherDeskToken), body: body).status == .notFound)
            if case .erased? = try keys.lookup([kid])[kid] { Issue.record("a refused request deleted the key") }

            let answer = try await client.execute(uri: path, method: .post, headers: headers(coordinatorToken), body: body)
            #expect(answer.status == .accepted)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("erasure-\(UUID().uuidString).json")
            try Data(buffer: answer.body).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            try expectContractsValidate(["response", "consents", "ErasureReceipt", file.path])
            #expect(!String(buffer: answer.body).contains(bsn))
        }
        guard case .erased? = try keys.lookup([kid])[kid] else { Issue.record("the person's key was not deleted"); return }

        // The consumer's part: the SubjectErased the API published, handled as the filter would.
        let published = try await h.read(Topics.consentEvents, atLeast: 1).filter { $0.eventType == .subjectErased }
        #expect(published.count == 1)
        let erasure = try SubjectErased.decodedJSON(Data(try #require(published.first).value))
        #expect(erasure.subjectId == person && erasure.recordedBy.name == "coordinator-amsterdam" && erasure.evidenceRef == "FORM-ERASE-1")
        try await h.deliver(records: published, to: engine)

        // Both partners, public task and consent alike, are asked to delete; the log says so.
        for partner in ["id-test", "woon-test"] {
            #expect(try await h.partnerRecords(partner, atLeast: 2).map(\.eventType) == [.taskOffered, .taskRetracted])
        }
        let log = try await readTopic(h.cluster.bootstrapServers, Topics.filterDisclosures, timeout: .seconds(30)) { records in
            records.contains { $0.eventType == .subjectErased }
        }
        let logged = try #require(log.first { $0.eventType == .subjectErased })
        #expect(try SubjectErased.decodedJSON(Data(logged.value)).retractedTasks == 2)
        #expect(try await h.store.rowCounts(subjectId: person).values.allSatisfy { $0 == 0 })
        #expect(try await h.store.scopes(subjectId: person).isEmpty)
        for line in logs.text { #expect(!line.contains(bsn)) }
    }
}
