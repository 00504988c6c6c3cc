import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing

@Suite("Coordinator API")
struct CoordinatorAPITests {
    typealias F = CoordinatorFixtures
    static let ams = F.amsterdamCase.uuidString.lowercased()
    static let rdam = F.rotterdamCase.uuidString.lowercased()

    /// Every route with a method and, for commands, a valid body.
    static let routes: [(HTTPRequest.Method, String, String?)] = [
        (.get, "/v1/cases", nil), (.get, "/v1/cases/\(ams)", nil), (.get, "/v1/escalations", nil),
        (.post, "/v1/escalations/esc-ams-late/acknowledge", "{}"), (.post, "/v1/escalations/esc-ams-late/resolve", #"{"note":"ok"}"#),
        (.post, "/v1/tasks/task-ams-1/reassign", #"{"partnerId":"opvang-ams","reason":"r"}"#),
        (.post, "/v1/cases/\(ams)/notes", #"{"text":"t"}"#), (.post, "/v1/cases/\(ams)/close", #"{"reason":"other"}"#),
        (.post, "/v1/cases/\(ams)/cooperation", #"{"cooperation":"unreachable"}"#),
    ]

    @Test func everyRouteRefusesACallerWithoutAValidToken() async throws {
        let desk = F.desk()
        let log = TestViewLog()
        try await withCoordinatorHTTP(desk: desk, log: log) { client in
            for (method, uri, body) in Self.routes {
                for headers: HTTPFields in [[.contentType: "application/json"], bearer("wrong-token", json: true),
                                            [.authorization: "Basic \(F.amsterdamToken)", .contentType: "application/json"]] {
                    try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                        #expect(response.status == .unauthorized, "\(method) \(uri)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                }
            }
        }
        #expect(desk.calls.isEmpty)
        #expect(log.attempts == 0)
    }

    @Test func anotherMunicipalitysCaseDoesNotExistForTheAccount() async throws {
        let desk = F.desk()
        try await withCoordinatorHTTP(desk: desk) { client in
            let unknown = UUID().uuidString.lowercased()
            var bodies: [String] = []
            for uri in ["/v1/cases/\(Self.rdam)", "/v1/cases/\(unknown)", "/v1/cases/not-a-uuid"] {
                try await client.execute(uri: uri, method: .get, headers: bearer(F.amsterdamToken)) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    bodies.append(String(buffer: response.body))
                }
            }
            // The same answer for someone else's case as for none at all.
            #expect(Set(bodies).count == 1)
            for (uri, body) in [("/v1/escalations/esc-rdam/acknowledge", "{}"), ("/v1/escalations/esc-rdam/resolve", #"{"note":"x"}"#),
                                ("/v1/tasks/task-rdam-1/reassign", #"{"partnerId":"woon-rdam","reason":"r"}"#),
                                ("/v1/cases/\(Self.rdam)/notes", #"{"text":"t"}"#), ("/v1/cases/\(Self.rdam)/close", #"{"reason":"other"}"#),
                                ("/v1/cases/\(Self.rdam)/cooperation", #"{"cooperation":"cooperating"}"#)] {
                try await client.execute(uri: uri, method: .post, headers: bearer(F.amsterdamToken, json: true),
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .notFound, "\(uri)")
                }
            }
            try await client.execute(uri: "/v1/cases", method: .get, headers: bearer(F.amsterdamToken)) { response in
                let cases = try jsonObject(response.body)["cases"] as? [[String: Any]] ?? []
                #expect(cases.compactMap { ($0["caseId"] as? String).flatMap(UUID.init(uuidString:)) } == [F.amsterdamCase])
            }
            // The region's account sees Rotterdam's case and not Amsterdam's.
            try await client.execute(uri: "/v1/escalations?status=all", method: .get, headers: bearer(F.regionToken)) { response in
                let escalations = try jsonObject(response.body)["escalations"] as? [[String: Any]] ?? []
                #expect(escalations.compactMap { $0["escalationId"] as? String } == ["esc-rdam"])
            }
        }
        #expect(desk.escalation("esc-rdam")?.status == .open)
        #expect(desk.timelineNow(F.rotterdamCase)?.notes.isEmpty == true)
    }

    @Test func invalidRequestsNameEachBadFieldByPointerWithoutEchoingIt() async throws {
        let desk = F.desk()
        try await withCoordinatorHTTP(desk: desk) { client in
            let cases: [(String, String, Set<String>)] = [
                ("/v1/escalations/esc-ams-late/resolve", "{}", ["/note"]),
                ("/v1/escalations/esc-ams-late/resolve", #"{"note":"a\u202Eb"}"#, ["/note"]),
                ("/v1/escalations/esc-ams-late/resolve", #"{"note":"   "}"#, ["/note"]),
                ("/v1/escalations/esc-ams-late/resolve", #"{"note":"\#(String(repeating: "x", count: 2001))"}"#, ["/note"]),
                ("/v1/escalations/esc-ams-late/acknowledge", #"{"note":7,"bsn":"999990019"}"#, ["/note", "/bsn"]),
                ("/v1/tasks/task-ams-1/reassign", #"{"partnerId":"Not A Partner","reason":"one\ntwo"}"#, ["/partnerId", "/reason"]),
                ("/v1/cases/\(Self.ams)/close", #"{"reason":"bored"}"#, ["/reason"]),
                ("/v1/cases/\(Self.ams)/cooperation", #"{}"#, ["/cooperation"]),
                ("/v1/cases/\(Self.ams)/notes", #"["not","an","object"]"#, [""]),
            ]
            for (uri, body, fields) in cases {
                try await client.execute(uri: uri, method: .post, headers: bearer(F.amsterdamToken, json: true),
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unprocessableContent, "\(uri) \(body.prefix(40))")
                    let named = try problemFields(response.body)
                    #expect(named == fields, "\(uri) \(body.prefix(40))")
                    #expect(!String(buffer: response.body).contains("999990019"))
                }
            }
            try await client.execute(uri: "/v1/cases?status=half&limit=0&bogus=1&municipality=GM9999", method: .get,
                                     headers: bearer(F.amsterdamToken)) { response in
                #expect(response.status == .unprocessableContent)
                let named = try problemFields(response.body)
                #expect(named == ["status", "limit", "bogus", "municipality"])
            }
            try await client.execute(uri: "/v1/escalations?status=open&status=all", method: .get, headers: bearer(F.amsterdamToken)) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/cases/\(Self.ams)/notes", method: .post, headers: bearer(F.amsterdamToken, key: "with space"),
                                     body: ByteBuffer(string: #"{"text":"t"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                let named = try problemFields(response.body)
                #expect(named == ["Idempotency-Key"])
            }
            try await client.execute(uri: "/v1/cases/\(Self.ams)/notes", method: .post,
                                     headers: [.authorization: "Bearer \(F.amsterdamToken)", .contentType: "text/plain"],
                                     body: ByteBuffer(string: #"{"text":"t"}"#)) { response in
                #expect(response.status == .unsupportedMediaType)
            }
        }
        #expect(desk.calls.isEmpty)
    }

    @Test func theIdempotencyKeyIsTheCommandsRequestIdAndARepeatAnswersTheSame() async throws {
        let desk = F.desk()
        try await withCoordinatorHTTP(desk: desk) { client in
            var answers: [String] = []
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/cases/\(Self.ams)/notes", method: .post, headers: bearer(F.amsterdamToken, json: true, key: "note-key-1"),
                                         body: ByteBuffer(string: #"{"text":"Belafspraak gemaakt."}"#)) { response in
                    #expect(response.status == .created)
                    answers.append(String(buffer: response.body))
                }
            }
            #expect(answers.count == 2 && answers[0] == answers[1])
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/escalations/esc-ams-late/acknowledge", method: .post,
                                         headers: bearer(F.amsterdamToken, json: true), body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .ok)
                }
            }
        }
        let calls = desk.calls
        #expect(calls.count == 4)
        #expect(calls[0] == ("note", "note-key-1") && calls[1] == ("note", "note-key-1"))
        // Without a key every request gets a fresh id of its own.
        #expect(calls[2].0 == "acknowledged" && calls[3].0 == "acknowledged" && calls[2].1 != calls[3].1)
        #expect(UUID(uuidString: calls[2].1) != nil)
        #expect(desk.timelineNow(F.amsterdamCase)?.notes.count == 2)
    }

    @Test func aCaseIsLoggedAsViewedBeforeItIsAnswered() async throws {
        let log = TestViewLog(.hold)
        let answered = Flag()
        try await withCoordinatorHTTP(desk: F.desk(), log: log) { client in
            async let answer: String = client.execute(uri: "/v1/cases/\(Self.ams)", method: .get, headers: bearer(F.amsterdamToken)) { response in
                answered.set()
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            try await waitUntil("the view is being logged", timeout: .seconds(30)) { log.attempts == 1 }
            // The log has not acknowledged: nothing may have been answered.
            #expect(answered.isSet == false)
            #expect(log.written.isEmpty)
            log.release()
            let body = try await answer
            #expect(body.contains("Testpersoon"))
        }
        let view = try #require(log.written.first)
        #expect(log.written.count == 1)
        #expect(view.caseId == F.amsterdamCase)
        #expect(view.subjectId == String(repeating: "a1", count: 16))
        #expect(view.viewerId == "coordinator-amsterdam")
        #expect(view.viewerRole == .municipalityCoordinator)
        #expect(view.route == "/v1/cases/{caseId}")
        #expect(view.processingActivityId == "PA-NAZORG-01")
        #expect(view.legalBasis == .publicTask)
        #expect(Set(["person.bsn", "person.surname", "person.birthDate", "notes.text"]).isSubset(of: view.disclosedFields))
        #expect(view.traceId.count == 32)
    }

    @Test func aReadThatCannotBeLoggedIsNotAnswered() async throws {
        let failing = TestViewLog(.fail)
        try await withCoordinatorHTTP(desk: F.desk(), log: failing) { client in
            for uri in ["/v1/cases", "/v1/cases/\(Self.ams)", "/v1/escalations"] {
                try await client.execute(uri: uri, method: .get, headers: bearer(F.amsterdamToken)) { response in
                    #expect(response.status == .serviceUnavailable, "\(uri)")
                    #expect(response.headers[.retryAfter] == "5")
                    let text = String(buffer: response.body)
                    #expect(!text.contains("Testpersoon") && !text.contains("999990019"))
                }
            }
        }
        #expect(failing.attempts == 3)
        // A log that never answers: 503 once the deadline passed.
        let silent = TestViewLog(.hold)
        try await withCoordinatorHTTP(desk: F.desk(), log: silent, viewLogDeadline: .milliseconds(200)) { client in
            try await client.execute(uri: "/v1/cases/\(Self.ams)", method: .get, headers: bearer(F.amsterdamToken)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(!String(buffer: response.body).contains("Testpersoon"))
            }
        }
        silent.release()
    }

    @Test func personFieldsFollowTheCoordinatorsPolicy() async throws {
        let narrow = CoordinatorPolicy(processingActivityId: "PA-TEST", legalBasis: .publicTask, fields: [.surname, .municipality])
        let log = TestViewLog()
        try await withCoordinatorHTTP(desk: F.desk(), log: log, policy: narrow) { client in
            try await client.execute(uri: "/v1/cases/\(Self.ams)", method: .get, headers: bearer(F.amsterdamToken)) { response in
                let timeline = try jsonObject(response.body)
                let summary = try #require(timeline["case"] as? [String: Any])
                #expect(summary["person"] as? [String: String] == ["surname": "Testpersoon"])
                #expect(summary["prisonCode"] == nil && summary["expectedReleaseDate"] == nil)
                let text = String(buffer: response.body)
                #expect(!text.contains("999990019") && !text.contains("Tessa") && !text.contains("remark-never-shown"))
            }
        }
        let fields = try #require(log.written.first?.disclosedFields)
        #expect(fields.contains("person.surname") && !fields.contains("person.bsn") && !fields.contains("prisonCode"))
    }

    @Test func theInboxIsSortedByUrgencyAndLogsEachCaseOnce() async throws {
        let log = TestViewLog()
        try await withCoordinatorHTTP(desk: F.desk(), log: log) { client in
            try await client.execute(uri: "/v1/escalations", method: .get, headers: bearer(F.everywhereToken)) { response in
                let escalations = try jsonObject(response.body)["escalations"] as? [[String: Any]] ?? []
                #expect(escalations.compactMap { $0["escalationId"] as? String } == ["esc-ams-urgent", "esc-rdam", "esc-ams-late"])
                #expect((escalations.first?["person"] as? [String: Any])?["surname"] as? String == "Testpersoon")
            }
        }
        #expect(Set(log.written.map(\.caseId)) == [F.amsterdamCase, F.rotterdamCase])
        #expect(log.written.count == 2)
        #expect(log.written.allSatisfy { $0.route == "/v1/escalations" && $0.viewerId == "landelijk" })
    }

    @Test func commandsAnswerWithoutThePersonAndMapTheDesksRefusals() async throws {
        let desk = F.desk()
        let log = TestViewLog()
        try await withCoordinatorHTTP(desk: desk, log: log) { client in
            try await client.execute(uri: "/v1/escalations/esc-ams-late/resolve", method: .post, headers: bearer(F.amsterdamToken, json: true),
                                     body: ByteBuffer(string: #"{"note":"Opgelost met de corporatie."}"#)) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["status"] as? String == "resolved" && body["resolvedBy"] as? String == "coordinator-amsterdam")
                #expect(body["person"] == nil && !String(buffer: response.body).contains("999990019"))
            }
            try await client.execute(uri: "/v1/escalations/esc-ams-late/acknowledge", method: .post, headers: bearer(F.amsterdamToken, json: true),
                                     body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/v1/tasks/task-ams-1/reassign", method: .post, headers: bearer(F.amsterdamToken, json: true),
                                     body: ByteBuffer(string: #"{"partnerId":"woon-rdam","reason":"Andere regio"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                let named = try problemFields(response.body)
                #expect(named == ["/partnerId"])
            }
            try await client.execute(uri: "/v1/tasks/task-ams-1/reassign", method: .post, headers: bearer(F.amsterdamToken, json: true),
                                     body: ByteBuffer(string: #"{"partnerId":"opvang-ams","reason":"Geen woning"}"#)) { response in
                #expect(response.status == .ok)
                let task = try jsonObject(response.body)
                #expect(task["partnerId"] as? String == "opvang-ams" && task["reassignedFromTaskId"] as? String == "task-ams-1")
                #expect(!String(buffer: response.body).contains("remark-never-shown"))
            }
            try await client.execute(uri: "/v1/cases/\(Self.ams)/close", method: .post, headers: bearer(F.amsterdamToken, json: true),
                                     body: ByteBuffer(string: #"{"reason":"moved-abroad"}"#)) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["status"] as? String == "closed" && body["coordinatorCloseReason"] as? String == "moved-abroad")
                #expect(body["person"] == nil)
            }
        }
        #expect(log.attempts == 0)
    }

    @Test func theContractIsServedAndAccountsWithUnknownScopesAreRefused() async throws {
        try await withCoordinatorHTTP(desk: F.desk()) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
        #expect(throws: ConfigurationError.self) {
            try CoordinatorAccounts(callers: [.init(name: "desk", sha256: CallerTokens.hash("t"), scopes: ["PI-VUGHT"])])
        }
        #expect(throws: ConfigurationError.self) {
            try CoordinatorAccounts(callers: [.init(name: "same", sha256: CallerTokens.hash("a"), scopes: ["GM0363"]),
                                              .init(name: "same", sha256: CallerTokens.hash("b"), scopes: ["GM0599"])])
        }
        let region = try CoordinatorScope(scopes: ["VR17"])
        #expect(region.covers("GM0599") && !region.covers("GM0363"))
    }
}
