import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// The coordinator's page under `/coordinator`: server-rendered, Dutch, no scripts. Login
/// with the account's token starts a session (cookie); every form carries the session's CSRF
/// token; every action answers with a redirect (post/redirect/get) and its outcome as a
/// message on the next page. The same desk, scope and view logging as the API.
struct CoordinatorPage: Sendable {
    static let cookieName = "nazorg_coordinator"
    static let maximumFormSize = 16 * 1024

    let desk: any CoordinatorDesk
    let accounts: CoordinatorAccounts
    let policy: CoordinatorPolicy
    let audit: CaseViewAudit
    let sessions: CoordinatorSessions
    let directory: PartnerDirectory
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.get("/coordinator") { _, _ in Self.redirect("/coordinator/inbox") }
        router.get("/coordinator/login") { request, _ in loginForm(request) }
        router.post("/coordinator/login") { request, _ in try await login(request) }
        router.post("/coordinator/logout") { request, _ in try await logout(request) }
        router.get("/coordinator/inbox") { request, _ in await page(request) { try await inbox(request, $0) } }
        router.get("/coordinator/cases") { request, _ in await page(request) { try await caseList(request, $0) } }
        router.get("/coordinator/cases/:caseId") { request, context in
            await page(request) { try await casePage(request, context, $0) }
        }
        addActions(to: router)
    }

    // MARK: pages

    func inbox(_ request: Request, _ session: CoordinatorSessions.Session) async throws -> Response {
        let actor = try Self.actor(session)
        let found = try await deskCall(logger) { try await desk.escalations(EscalationQuery(status: .open), actor: actor) }
            .sortedByUrgency()
        try await audit.record(found.map {
            .init(caseId: $0.escalation.caseId, subjectId: $0.escalation.subjectId, fields: EscalationJSON.shownFields($0, policy: policy))
        }, actor: actor, route: "/coordinator/inbox", requestId: CoordinatorAPI.freshId(), trace: request.continuedTrace)
        return Self.html(InboxPage.render(found, policy: policy, session: session, flash: sessions.takeFlash(id: session.id)))
    }

    func caseList(_ request: Request, _ session: CoordinatorSessions.Session) async throws -> Response {
        let actor = try Self.actor(session)
        let query = try CaseQuery.read(try FormEncoding.decode(request.uri.query ?? ""))
        let found = try await deskCall(logger) { try await desk.cases(query, actor: actor) }
        try await audit.record(found.map { .init(caseId: $0.caseId, subjectId: $0.subjectId, fields: CaseJSON.shownFields($0, policy: policy)) },
                               actor: actor, route: "/coordinator/cases", requestId: CoordinatorAPI.freshId(), trace: request.continuedTrace)
        return Self.html(CaseListPage.render(found, query: query, policy: policy, session: session,
                                             flash: sessions.takeFlash(id: session.id)))
    }

    func casePage(_ request: Request, _ context: BasicRequestContext, _ session: CoordinatorSessions.Session) async throws -> Response {
        let actor = try Self.actor(session)
        let caseId = try CoordinatorAPI.caseId(context)
        let timeline = try await deskCall(logger) { try await desk.timeline(caseId: caseId, actor: actor) }
        let escalations = try await deskCall(logger) {
            try await desk.escalations(EscalationQuery(status: nil, caseId: caseId), actor: actor)
        }.sortedByUrgency()
        let fields = TimelineJSON.shownFields(timeline, policy: policy) + escalations.flatMap { EscalationJSON.shownFields($0, policy: policy) }
        try await audit.record([.init(caseId: caseId, subjectId: timeline.summary.subjectId, fields: fields)], actor: actor,
                               route: "/coordinator/cases/{caseId}", requestId: CoordinatorAPI.freshId(), trace: request.continuedTrace)
        var candidates: [String: [PartnerDirectory.Partner]] = [:]
        for task in timeline.tasks where task.isOpen {
            candidates[task.taskId] = directory.partners.filter { partner in
                partner.id != task.partnerId && partner.serves(timeline.summary.municipality)
                    && (task.domain.map { partner.domains.contains($0) } ?? (partner.role == .municipalityCoordinator))
            }
        }
        let content = CasePage.Content(timeline: timeline, escalations: escalations, candidates: candidates)
        return Self.html(CasePage.render(content, policy: policy, session: session, flash: sessions.takeFlash(id: session.id)))
    }

    // MARK: sessions and answers

    /// The signed-in session of the request's cookie, if any.
    func signedIn(_ request: Request) -> CoordinatorSessions.Session? {
        guard let id = request.cookies[Self.cookieName]?.value, let session = sessions.session(id: id), session.actor != nil else {
            return nil
        }
        return session
    }

    /// Serves a page to a signed-in session (others go to the login form), and turns a
    /// problem into a Dutch error page.
    func page(_ request: Request, _ render: (CoordinatorSessions.Session) async throws -> Response) async -> Response {
        guard let session = signedIn(request) else { return Self.redirect("/coordinator/login") }
        do {
            return try await render(session)
        } catch let problem as ProblemDetails {
            return Self.errorPage(problem, session: session)
        } catch {
            logger.error("coordinator page failed", metadata: ["error": .string(error.loggable)])
            return Self.errorPage(ProblemDetails.deskUnavailable, session: session)
        }
    }

    static func actor(_ session: CoordinatorSessions.Session) throws -> CoordinatorActor {
        guard let actor = session.actor else { throw ProblemDetails.unauthorized }
        return actor
    }

    static func errorPage(_ problem: ProblemDetails, session: CoordinatorSessions.Session?) -> Response {
        let message = PageMessages.problem(problem)
        let body = "<h1>\(PageHTML.escape(message.title))</h1>\n<p id=\"fout\">\(PageHTML.escape(message.text))</p>\n"
            + "<p><a href=\"/coordinator/inbox\">Naar de inbox</a></p>"
        return html(PageHTML.page(title: message.title, session: session, flash: nil, body: body), status: problem.status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: pageHeaders(contentType: "text/html; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = pageHeaders(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// What every page answer carries: never cached, never framed, no scripts, forms only to
    /// this service, no referrer that would carry a case id elsewhere.
    static func pageHeaders(contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return headers
    }
}
