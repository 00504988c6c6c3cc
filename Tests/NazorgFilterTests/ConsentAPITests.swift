import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing
import Yams
@testable import NazorgFilter

private let subjects = try! SubjectPseudonymizer(secret: Array("filter-tests-subject-key-0123456789abcdef".utf8))
private let bsn = "999990019"
private let apiSubject = subjects.pseudonym(forBSN: bsn)
/// Passes the elfproef; no notice about this person is ever delivered.
private let strangerBSN = "999990020"

private let deskToken = "desk-token-pi-test-0123456789"
private let otherDeskToken = "desk-token-pi-other-0123456789"
private let coordinatorToken = "coordinator-token-gm0363-0123456789"
private let otherCoordinatorToken = "coordinator-token-gm0599-0123456789"
private let everywhereToken = "admin-token-everywhere-0123456789"

private let callers = try! ConsentCallers([
    .init(name: "pi-test-desk", sha256: CallerTokens.hash(deskToken), role: .piDesk, scopes: ["PI-TEST"]),
    .init(name: "pi-other-desk", sha256: CallerTokens.hash(otherDeskToken), role: .piDesk, scopes: ["PI-OTHER"]),
    .init(name: "coordinator-amsterdam", sha256: CallerTokens.hash(coordinatorToken), role: .municipalityCoordinator,
          scopes: ["GM0363"]),
    .init(name: "coordinator-rotterdam", sha256: CallerTokens.hash(otherCoordinatorToken), role: .municipalityCoordinator,
          scopes: ["GM0599"]),
    .init(name: "hub-admin", sha256: CallerTokens.hash(everywhereToken), role: .municipalityCoordinator, scopes: ["*"]),
])

private func started(prison: String = "PI-TEST", municipality: String = "GM0363") -> DetentionStarted {
    DetentionStarted(noticeId: "n-start", subjectId: apiSubject, municipality: municipality, prisonCode: prison, person: testPerson,
                     reportedAt: Date(), detentionType: .sentence, detentionStartDate: CalendarDate(year: 2027, month: 1, day: 4)!)
}

private func statement(_ decision: String, _ domains: [String] = ["housing"], evidence: String = "form-test-1",
                       bsn: String = bsn, extra: String = "") -> ByteBuffer {
    let list = domains.map { "\"\($0)\"" }.joined(separator: ",")
    return ByteBuffer(string: #"{"bsn":"\#(bsn)","decision":"\#(decision)","domains":[\#(list)],"evidenceRef":"\#(evidence)"\#(extra)}"#)
}

private func headers(_ token: String?) -> HTTPFields {
    var fields: HTTPFields = [.contentType: "application/json"]
    if let token { fields[.authorization] = "Bearer \(token)" }
    return fields
}

private struct Accepted: Decodable {
    struct Consent: Decodable { var consentId: String; var domain: Domain }
    var decision: String
    var evidenceRef: String
    var receivedAt: String
    var consents: [Consent]
}

private struct Problem: Decodable {
    struct FieldError: Decodable { var field: String }
    var status: Int
    var errors: [FieldError]?
}

/// The consent API on the harness's broker and store.
private func withConsentAPI(_ h: FilterHarness, producer: KafkaProducer? = nil, deadline: Duration = .seconds(10),
                            _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let router = Router()
    ConsentRoute.add(to: router, publisher: EventPublisher(producer: producer ?? h.producer, source: FilterService.source),
                     store: h.store,
                     settings: ConsentAPISettings(callers: callers, pseudonymizer: subjects, acknowledgementDeadline: deadline),
                     logger: filterTestLogger)
    try await Application(router: router).test(.router, body)
}

@Suite("Consent API: statements recorded by desks and coordinators", .serialized)
struct ConsentAPITests {
    /// The desk records consent for housing, the housing task is offered; the coordinator
    /// records the person's withdrawal, and the filter retracts the task on reading it.
    @Test func aDeskRecordsConsentAndTheCoordinatorAWithdrawalThatRetracts() async throws {
        let h = try FilterHarness()
        try await h.deliver(started(), id: "evt-n-start", subject: apiSubject)
        var housing = makeTask(.housing, partner: "woon-test", role: .housingCorporation)
        housing.subjectId = apiSubject
        try await h.deliver(housing, id: "assigned-housing", subject: apiSubject)
        #expect(try await h.store.parkedCount() == 1, "no consent yet")

        try await withConsentAPI(h) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers(deskToken),
                                     body: statement("given", ["housing", "income"], extra: #","statedAt":"2026-12-01T10:00:00Z""#)) {
                #expect($0.status == .accepted)
                let answer = try JSONDecoder().decode(Accepted.self, from: Data(buffer: $0.body))
                #expect(answer.decision == "given" && answer.evidenceRef == "form-test-1")
                #expect(answer.consents.map(\.domain) == [.housing, .income])
                #expect(!String(buffer: $0.body).contains(bsn))
            }
        }
        let given = try await h.read(Topics.consentEvents, atLeast: 2)
        #expect(given.map(\.eventType) == [.consentGiven, .consentGiven])
        let consent = try ReceivedEvent(record: given[0]).decode(ConsentGiven.self)
        #expect(consent.subjectId == apiSubject && consent.domain == .housing)
        #expect(consent.recordedBy == ConsentRecorder(name: "pi-test-desk", role: .piDesk))
        #expect(consent.evidenceRef == "form-test-1" && consent.scope == [.housing, .income])
        #expect(consent.givenAt == instant("2026-12-01T10:00:00Z") && consent.receivedAt != nil)
        #expect(given.allSatisfy { !$0.text.contains(bsn) && $0.key.map { String(decoding: $0, as: UTF8.self) } == apiSubject })
        try await h.deliver(records: given)
        #expect(try await h.partnerRecords("woon-test", atLeast: 1).map(\.eventType) == [.taskOffered])

        try await withConsentAPI(h) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers(coordinatorToken),
                                     body: statement("withdrawn", ["housing"], evidence: "call-note-7")) {
                #expect($0.status == .accepted)
            }
        }
        let all = try await h.read(Topics.consentEvents, atLeast: 3)
        let withdrawal = try ReceivedEvent(record: all[2]).decode(ConsentWithdrawn.self)
        #expect(withdrawal.recordedBy == ConsentRecorder(name: "coordinator-amsterdam", role: .municipalityCoordinator))
        #expect(withdrawal.evidenceRef == "call-note-7" && withdrawal.domain == .housing)
        try await h.deliver(records: [all[2]])
        let partner = try await h.partnerRecords("woon-test", atLeast: 2)
        #expect(partner.map(\.eventType) == [.taskOffered, .taskRetracted])
        #expect(try await !h.store.hasConsent(subjectId: apiSubject, domain: .housing))
        #expect(try await h.store.hasConsent(subjectId: apiSubject, domain: .income))
        await h.close()
    }

    /// Sending the same statement again (a retry after a lost answer) yields the same ids,
    /// and the filter applies it once.
    @Test func aRepeatedStatementIsTheSameEvent() async throws {
        let h = try FilterHarness()
        try await h.deliver(started(), id: "evt-n-start", subject: apiSubject)
        let answers = Mutex<[[String]]>([])
        try await withConsentAPI(h) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/consents", method: .post, headers: headers(deskToken),
                                         body: statement("withdrawn", ["debts", "care"])) {
                    #expect($0.status == .accepted)
                    let answer = try JSONDecoder().decode(Accepted.self, from: Data(buffer: $0.body))
                    answers.withLock { $0.append(answer.consents.map(\.consentId)) }
                }
            }
        }
        let ids = answers.withLock { $0 }
        #expect(ids.count == 2 && ids[0] == ids[1] && Set(ids[0]).count == 2)
        let records = try await h.read(Topics.consentEvents, atLeast: 4)
        #expect(Set(records.compactMap(\.eventId)) == Set(ids[0]))
        await h.close()
    }

    /// Who may record for whom: the person must be known from a notice naming a prison or
    /// municipality of the caller. Everything else is a 404 that says nothing of whether the
    /// hub knows the BSN, and nothing reaches the consent topic.
    @Test func onlyCallersOfThePersonsPrisonOrMunicipalityMayRecord() async throws {
        let h = try FilterHarness()
        // Transferred from PI-TEST to PI-THIRD: both desks are the person's.
        try await h.deliver(started(), id: "evt-n-start", subject: apiSubject)
        try await h.deliver(Transferred(noticeId: "n-transfer", subjectId: apiSubject, municipality: "GM0363",
                                        prisonCode: "PI-TEST", person: testPerson, reportedAt: Date(), toPrisonCode: "PI-THIRD",
                                        transferDate: CalendarDate(year: 2027, month: 2, day: 1)!),
                            id: "evt-n-transfer", subject: apiSubject)
        #expect(try await h.store.scopes(subjectId: apiSubject) == ["PI-TEST", "PI-THIRD", "GM0363"])
        try await withConsentAPI(h) { client in
            for (token, body) in [(otherDeskToken, statement("given")), (otherCoordinatorToken, statement("given")),
                                  (deskToken, statement("given", bsn: strangerBSN)),
                                  (everywhereToken, statement("given", bsn: strangerBSN))] {
                try await client.execute(uri: "/v1/consents", method: .post, headers: headers(token), body: body) {
                    #expect($0.status == .notFound)
                    #expect($0.headers[.contentType] == "application/problem+json")
                    #expect(!String(buffer: $0.body).contains(bsn) && !String(buffer: $0.body).contains(strangerBSN))
                }
            }
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers(everywhereToken), body: statement("given")) {
                #expect($0.status == .accepted)
            }
        }
        let records = try await drainTopic(h.cluster.bootstrapServers, Topics.consentEvents)
        #expect(records.count == 1, "only the statement of a caller within reach")
        await h.close()
    }

    @Test func badRequestsGetAClearProblemAndPublishNothing() async throws {
        let h = try FilterHarness()
        try await h.deliver(started(), id: "evt-n-start", subject: apiSubject)
        try await withConsentAPI(h) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers(nil), body: statement("given")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers("not-a-token"), body: statement("given")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/consents", method: .post,
                                     headers: [.contentType: "text/plain", .authorization: "Bearer \(deskToken)"],
                                     body: statement("given")) {
                #expect($0.status == .unsupportedMediaType)
            }
            let cases: [(ByteBuffer, [String])] = [
                (ByteBuffer(string: "[1,2]"), [""]),
                (ByteBuffer(string: "{\"bsn\":"), [""]),
                (statement("given", bsn: "999990018"), ["/bsn"]),
                (statement("maybe"), ["/decision"]),
                (statement("given", []), ["/domains"]),
                (statement("given", ["housing", "housing", "luck"]), ["/domains/1", "/domains/2"]),
                (statement("given", evidence: "form with spaces"), ["/evidenceRef"]),
                (statement("given", extra: #","statedAt":"2999-01-01T00:00:00Z""#), ["/statedAt"]),
                (statement("given", extra: #","statedAt":"gisteren""#), ["/statedAt"]),
                (statement("given", extra: #","name":"Tessa""#), ["/name"]),
                (ByteBuffer(string: #"{"bsn":999990019,"decision":"given","domains":"housing","evidenceRef":"f"}"#), ["/bsn", "/domains"]),
            ]
            for (body, fields) in cases {
                try await client.execute(uri: "/v1/consents", method: .post, headers: headers(deskToken), body: body) {
                    #expect($0.status == .badRequest)
                    let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: $0.body))
                    #expect(problem.errors?.map(\.field) == fields)
                    #expect(!String(buffer: $0.body).contains(bsn) && !String(buffer: $0.body).contains("999990018"))
                }
            }
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers(deskToken),
                                     body: ByteBuffer(repeating: UInt8(ascii: " "), count: ConsentRoute.maximumBodySize + 1)) {
                #expect($0.status == .contentTooLarge)
            }
        }
        #expect(try await drainTopic(h.cluster.bootstrapServers, Topics.consentEvents).isEmpty)
        await h.close()
    }

    /// Kafka does not confirm in time: 503 with Retry-After, never a 202 for a statement the
    /// filter may never read.
    @Test func aStatementKafkaDoesNotConfirmIsA503() async throws {
        let h = try FilterHarness()
        try await h.deliver(started(), id: "evt-n-start", subject: apiSubject)
        let unreachable = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1",
                                                                              properties: ["message.timeout.ms": "60000"]),
                                            logger: filterTestLogger)
        try await withConsentAPI(h, producer: unreachable, deadline: .milliseconds(500)) { client in
            try await client.execute(uri: "/v1/consents", method: .post, headers: headers(deskToken), body: statement("withdrawn")) {
                #expect($0.status == .serviceUnavailable)
                #expect($0.headers[.retryAfter] == "5")
            }
        }
        await unreachable.close()
        await h.close()
    }

    /// What the API document shows a desk is what the route accepts.
    @Test func everyRequestExampleOfTheContractIsAccepted() throws {
        let text = try String(contentsOf: filterRoot.appendingPathComponent("Contracts/openapi/consents.yaml"), encoding: .utf8)
        let document = try Yams.load(yaml: text) as? [String: Any]
        let post = ((document?["paths"] as? [String: Any])?["/v1/consents"] as? [String: Any])?["post"] as? [String: Any]
        let content = (post?["requestBody"] as? [String: Any])?["content"] as? [String: Any]
        let examples = (content?["application/json"] as? [String: Any])?["examples"] as? [String: Any] ?? [:]
        #expect(examples.count == 2)
        for (name, example) in examples {
            let value = try #require((example as? [String: Any])?["value"])
            let body = try JSONSerialization.data(withJSONObject: value)
            if case .failure(let problem) = ConsentStatement.parse(body, now: Date()) {
                Issue.record("example \(name) refused at \(problem.errors?.map(\.field) ?? [])")
            }
        }
    }

    @Test func theCallerFileIsCheckedAtStartUp() throws {
        let hash = CallerTokens.hash("t")
        #expect(throws: ConfigurationError.self) {
            try ConsentCallers([.init(name: "d", sha256: hash, role: .piDesk, scopes: ["gm0363 "])])
        }
        #expect(throws: ConfigurationError.self) {
            try ConsentCallers([.init(name: "c", sha256: hash, role: .municipalityCoordinator, scopes: ["PI-TEST"])])
        }
        #expect(throws: ConfigurationError.self) {
            try ConsentCallers([.init(name: "c d", sha256: hash, role: .municipalityCoordinator, scopes: ["GM0363"])])
        }
        #expect(throws: ConfigurationError.self) {
            try ConsentCallers([.init(name: "c", sha256: hash, role: .municipalityCoordinator, scopes: ["GM0363"]),
                                .init(name: "c", sha256: CallerTokens.hash("u"), role: .piDesk, scopes: ["PI-TEST"])])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("consent-callers-\(UUID().uuidString).yaml").path
        try "callers:\n  - {name: d, sha256: \(hash), scopes: [PI-TEST]}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try ConsentCallers(contentsOf: file) }
        try "callers:\n  - {name: rcn, sha256: \(hash), role: municipality-coordinator, scopes: [VR13]}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ConsentCallers(contentsOf: file)
        try? FileManager.default.removeItem(atPath: file)
    }
}
