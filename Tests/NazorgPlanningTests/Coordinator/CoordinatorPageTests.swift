import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NazorgContracts
@testable import NazorgPlanning
import NazorgRuntime
import NazorgTestSupport
import Testing

/// A browser as far as the page needs one: the session cookie and the last page's CSRF token.
struct PageVisitor {
    let client: any TestClientProtocol
    var cookie: String?
    var csrf: String?

    struct Answer {
        var status: HTTPResponse.Status
        var location: String?
        var setCookie: String?
        var html: String
    }

    mutating func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Answer {
        try await send(uri, method: .get, form: nil, headers: headers)
    }

    mutating func post(_ uri: String, _ form: [(String, String)], headers: HTTPFields = [:]) async throws -> Answer {
        try await send(uri, method: .post, form: form.map { "\($0.0)=\(FormEncoding.encode($0.1))" }.joined(separator: "&"),
                       headers: headers)
    }

    mutating func send(_ uri: String, method: HTTPRequest.Method, form: String?, headers: HTTPFields) async throws -> Answer {
        var fields = headers
        if let cookie { fields[.cookie] = "\(CoordinatorPageTests.cookieName)=\(cookie)" }
        if form != nil, fields[.contentType] == nil { fields[.contentType] = "application/x-www-form-urlencoded" }
        let answer = try await client.execute(uri: uri, method: method, headers: fields, body: form.map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, location: response.headers[.location], setCookie: response.headers[.setCookie],
                   html: String(buffer: response.body))
        }
        if let set = answer.setCookie, let value = set.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last {
            cookie = set.split(separator: ";").first?.hasSuffix("=") == true ? nil : String(value)
        }
        if let match = answer.html.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/) { csrf = String(match.1) }
        return answer
    }

    /// Opens the login form and signs in with `token`.
    mutating func signIn(_ token: String) async throws {
        _ = try await get("/coordinator/login")
        let answer = try await post("/coordinator/login", [("csrf", csrf ?? ""), ("token", token)])
        #expect(answer.status == .seeOther && answer.location == "/coordinator/inbox")
    }
}

@Suite("Coordinator page")
struct CoordinatorPageTests {
    typealias F = CoordinatorFixtures
    static let cookieName = "nazorg_coordinator"
    static let ams = F.amsterdamCase.uuidString.lowercased()

    @Test func pagesNeedASessionAndLoginStartsAFreshOne() async throws {
        let desk = F.desk()
        try await withCoordinatorHTTP(desk: desk) { client in
            var visitor = PageVisitor(client: client)
            let away = try await visitor.get("/coordinator/inbox")
            #expect(away.status == .seeOther && away.location == "/coordinator/login")
            let form = try await visitor.get("/coordinator/login")
            let set = try #require(form.setCookie)
            #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/coordinator") && !set.contains("Secure"))
            let anonymous = try #require(visitor.cookie)
            #expect(anonymous.count == 64)
            // Wrong CSRF token: refused, still signed out.
            var forged = visitor
            let refused = try await forged.post("/coordinator/login", [("csrf", String(repeating: "0", count: 64)), ("token", F.amsterdamToken)])
            #expect(refused.status == .forbidden)
            // Wrong token: back to the form with a Dutch message.
            let wrong = try await visitor.post("/coordinator/login", [("csrf", visitor.csrf ?? ""), ("token", "guess")])
            #expect(wrong.status == .seeOther && wrong.location == "/coordinator/login")
            #expect(try await visitor.get("/coordinator/login").html.contains("Onbekende toegangscode."))
            let signedIn = try await visitor.post("/coordinator/login", [("csrf", visitor.csrf ?? ""), ("token", F.amsterdamToken)])
            #expect(signedIn.status == .seeOther && signedIn.location == "/coordinator/inbox")
            #expect(visitor.cookie != anonymous && visitor.cookie?.count == 64)
            let inbox = try await visitor.get("/coordinator/inbox")
            #expect(inbox.status == .ok && inbox.html.contains("coordinator-amsterdam") && inbox.html.contains("Testpersoon"))
            #expect(!inbox.html.contains("Proefpersoon"))
            // The anonymous session's id is of no use any more.
            var stale = visitor
            stale.cookie = anonymous
            #expect(try await stale.get("/coordinator/inbox").status == .seeOther)
            // Logout needs the token too, then ends the session.
            #expect(try await visitor.post("/coordinator/logout", [("csrf", "nope")]).status == .forbidden)
            let session = visitor.cookie
            let out = try await visitor.post("/coordinator/logout", [("csrf", visitor.csrf ?? "")])
            #expect(out.status == .seeOther && out.setCookie?.contains("Max-Age=0") == true)
            visitor.cookie = session
            #expect(try await visitor.get("/coordinator/inbox").status == .seeOther)
        }
    }

    @Test func everyActionNeedsTheSessionsCSRFToken() async throws {
        let desk = F.desk()
        try await withCoordinatorHTTP(desk: desk) { client in
            var visitor = PageVisitor(client: client)
            try await visitor.signIn(F.amsterdamToken)
            var other = PageVisitor(client: client)
            try await other.signIn(F.amsterdamToken)
            _ = try await visitor.get("/coordinator/cases/\(Self.ams)")
            let actions: [(String, [(String, String)])] = [
                ("/coordinator/escalations/esc-ams-late/resolve", [("note", "klaar")]),
                ("/coordinator/escalations/esc-ams-late/acknowledge", []),
                ("/coordinator/tasks/task-ams-1/reassign", [("partnerId", "opvang-ams"), ("reason", "r")]),
                ("/coordinator/cases/\(Self.ams)/notes", [("text", "t")]),
                ("/coordinator/cases/\(Self.ams)/close", [("reason", "other")]),
                ("/coordinator/cases/\(Self.ams)/cooperation", [("cooperation", "unreachable")]),
            ]
            for (uri, fields) in actions {
                #expect(try await visitor.post(uri, fields).status == .forbidden, "\(uri) without a token")
                // Another session's token does not fit this session.
                #expect(try await visitor.post(uri, fields + [("csrf", other.csrf ?? "")]).status == .forbidden, "\(uri)")
            }
            // Signed out, an action goes to the login form.
            var stranger = PageVisitor(client: client)
            #expect(try await stranger.post(actions[0].0, actions[0].1).location == "/coordinator/login")
        }
        #expect(desk.calls.isEmpty)
    }

    @Test func resolveAndReassignPostRedirectGetWithDutchMessages() async throws {
        let desk = F.desk()
        let log = TestViewLog()
        try await withCoordinatorHTTP(desk: desk, log: log) { client in
            var visitor = PageVisitor(client: client)
            try await visitor.signIn(F.amsterdamToken)
            let page = try await visitor.get("/coordinator/cases/\(Self.ams)")
            #expect(page.status == .ok && page.html.contains("id=\"oplossen-esc-ams-late\""))
            #expect(page.html.contains("value=\"opvang-ams\"") && !page.html.contains("value=\"woon-rdam\""))
            let requestId = try #require(page.html.firstMatch(of: /name="requestId" value="([0-9a-f]{64})"/)).1
            let empty = try await visitor.post("/coordinator/escalations/esc-ams-late/resolve",
                                               [("csrf", visitor.csrf ?? ""), ("note", " "), ("back", Self.ams)])
            #expect(empty.status == .seeOther && empty.location == "/coordinator/cases/\(Self.ams)")
            #expect(try await visitor.get(empty.location ?? "").html.contains("Vul een notitie in"))
            for _ in 0..<2 {
                let done = try await visitor.post("/coordinator/escalations/esc-ams-late/resolve",
                                                  [("csrf", visitor.csrf ?? ""), ("requestId", String(requestId)), ("note", "Opgelost."),
                                                   ("back", Self.ams)])
                #expect(done.location == "/coordinator/cases/\(Self.ams)")
            }
            let after = try await visitor.get("/coordinator/cases/\(Self.ams)")
            #expect(after.html.contains("De escalatie is opgelost.") && after.html.contains("Opgelost (coordinator-amsterdam)"))
            let wrong = try await visitor.post("/coordinator/tasks/task-ams-1/reassign",
                                               [("csrf", visitor.csrf ?? ""), ("partnerId", "woon-rdam"), ("reason", "r"), ("back", Self.ams)])
            #expect(wrong.location == "/coordinator/cases/\(Self.ams)")
            #expect(try await visitor.get("/coordinator/cases/\(Self.ams)").html.contains("Deze partner kan de taak niet overnemen"))
            let moved = try await visitor.post("/coordinator/tasks/task-ams-1/reassign",
                                               [("csrf", visitor.csrf ?? ""), ("partnerId", "opvang-ams"), ("reason", "Geen woning"), ("back", Self.ams)])
            #expect(moved.status == .seeOther)
            #expect(try await visitor.get("/coordinator/cases/\(Self.ams)").html.contains("De taak is toegewezen aan opvang-ams."))
        }
        // The form's request id made the second resolve a repeat of the first.
        #expect(desk.calls.filter { $0.0 == "resolved" }.map(\.1).count == 2)
        #expect(Set(desk.calls.filter { $0.0 == "resolved" }.map(\.1)).count == 1)
        #expect(desk.escalation("esc-ams-late")?.status == .resolved)
        #expect(log.written.allSatisfy { $0.route == "/coordinator/cases/{caseId}" || $0.route == "/coordinator/inbox" })
        #expect(log.written.contains { $0.route == "/coordinator/cases/{caseId}" && $0.caseId == F.amsterdamCase })
    }

    @Test func hostileValuesAreEscapedEverywhere() async throws {
        let hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
        let desk = F.desk(note: hostile)
        try await withCoordinatorHTTP(desk: desk) { client in
            var visitor = PageVisitor(client: client)
            try await visitor.signIn(F.amsterdamToken)
            _ = try await visitor.get("/coordinator/cases/\(Self.ams)")
            _ = try await visitor.post("/coordinator/escalations/esc-ams-late/acknowledge",
                                       [("csrf", visitor.csrf ?? ""), ("note", hostile), ("back", Self.ams)])
            let page = try await visitor.get("/coordinator/cases/\(Self.ams)")
            #expect(page.status == .ok)
            #expect(!page.html.contains("<script") && !page.html.contains("<img"))
            #expect(page.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
            let list = try await visitor.get("/coordinator/cases?municipality=%3Cscript%3E")
            #expect(list.status == .unprocessableContent && !list.html.contains("<script"))
        }
    }

    @Test func sessionsEndWhenIdleAndTheCookieIsSecureBehindHTTPS() async throws {
        let clock = TestClock(F.start)
        try await withCoordinatorHTTP(desk: F.desk(), now: { clock.now }) { client in
            var visitor = PageVisitor(client: client)
            try await visitor.signIn(F.amsterdamToken)
            clock.set(F.start.addingTimeInterval(29 * 60))
            #expect(try await visitor.get("/coordinator/inbox").status == .ok)
            clock.set(F.start.addingTimeInterval(29 * 60 + 31 * 60))
            #expect(try await visitor.get("/coordinator/inbox").location == "/coordinator/login")
            var secure = PageVisitor(client: client)
            let form = try await secure.get("/coordinator/login", headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(form.setCookie?.contains("Secure") == true)
        }
    }
}
