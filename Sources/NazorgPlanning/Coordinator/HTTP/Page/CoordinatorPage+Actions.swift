import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// Login, logout and the page's actions. Every POST needs the session's CSRF token; an
/// action then answers with a redirect and leaves its outcome as the next page's message.
extension CoordinatorPage {
    func addActions(to router: Router<BasicRequestContext>) {
        router.post("/coordinator/escalations/:escalationId/acknowledge") { request, context in
            try await act(request, .acknowledge) { actor, form, requestId in
                let id = try CoordinatorAPI.identifier("escalationId", context)
                let body = try EscalationNoteBody.read(&form, noteRequired: false)
                let view = try await deskCall(logger) {
                    try await desk.acknowledge(escalationId: id, note: body.note, actor: actor, requestId: requestId)
                }
                return (view.escalation.caseId, "De escalatie is in behandeling genomen.")
            }
        }
        router.post("/coordinator/escalations/:escalationId/resolve") { request, context in
            try await act(request, .resolve) { actor, form, requestId in
                let id = try CoordinatorAPI.identifier("escalationId", context)
                let body = try EscalationNoteBody.read(&form, noteRequired: true)
                let view = try await deskCall(logger) {
                    try await desk.resolve(escalationId: id, note: body.note ?? "", actor: actor, requestId: requestId)
                }
                return (view.escalation.caseId, "De escalatie is opgelost.")
            }
        }
        router.post("/coordinator/tasks/:taskId/reassign") { request, context in
            try await act(request, .reassign) { actor, form, requestId in
                let id = try CoordinatorAPI.identifier("taskId", context)
                let body = try ReassignBody.read(&form)
                let task = try await deskCall(logger) {
                    try await desk.reassign(taskId: id, toPartnerId: body.partnerId, reason: body.reason, actor: actor, requestId: requestId)
                }
                return (task.caseId, "De taak is toegewezen aan \(task.partnerId).")
            }
        }
        router.post("/coordinator/cases/:caseId/notes") { request, context in
            try await act(request, .note) { actor, form, requestId in
                let caseId = try CoordinatorAPI.caseId(context)
                let body = try NoteBody.read(&form)
                _ = try await deskCall(logger) { try await desk.addNote(caseId: caseId, text: body.text, actor: actor, requestId: requestId) }
                return (caseId, "De notitie is toegevoegd.")
            }
        }
        router.post("/coordinator/cases/:caseId/close") { request, context in
            try await act(request, .close) { actor, form, requestId in
                let caseId = try CoordinatorAPI.caseId(context)
                let body = try CloseBody.read(&form)
                _ = try await deskCall(logger) {
                    try await desk.close(caseId: caseId, reason: body.reason, note: body.note, actor: actor, requestId: requestId)
                }
                return (caseId, "De casus is gesloten.")
            }
        }
        router.post("/coordinator/cases/:caseId/cooperation") { request, context in
            try await act(request, .cooperation) { actor, form, requestId in
                let caseId = try CoordinatorAPI.caseId(context)
                let body = try CooperationBody.read(&form)
                _ = try await deskCall(logger) {
                    try await desk.recordCooperation(caseId: caseId, cooperation: body.cooperation, actor: actor, requestId: requestId)
                }
                return (caseId, "De medewerking is vastgelegd.")
            }
        }
    }

    /// One action: signed in (else to the login form), a form of this page (415), the
    /// session's CSRF token (403, nothing done), then `perform`, which returns the case to
    /// go back to and the message to show there. A refusal goes back with a Dutch message.
    func act(_ request: Request, _ action: PageMessages.Action,
             _ perform: (CoordinatorActor, inout InputReader, String) async throws -> (UUID, String)) async throws -> Response {
        guard let session = signedIn(request), let actor = session.actor else { return Self.redirect("/coordinator/login") }
        let form: [String: String]
        do {
            form = try await Self.form(request)
        } catch let problem as ProblemDetails {
            return Self.errorPage(problem, session: session)
        }
        guard CoordinatorSessions.matches(form["csrf"], session) else {
            logger.warning("coordinator form refused: CSRF token does not match the session", metadata: ["coordinator.name": .string(actor.name)])
            return Self.errorPage(ProblemDetails.forbidden("The form does not belong to this session."), session: session)
        }
        let back = Self.back(form["back"])
        let requestId = form["requestId"].flatMap { InputText.fullyMatches($0, pattern: #"\A[0-9a-f]{64}\z"#) ? $0 : nil }
            ?? CoordinatorAPI.freshId()
        var reader = InputReader(values: form.filter { !["csrf", "requestId", "back"].contains($0.key) }, prefix: "")
        do {
            let (caseId, message) = try await perform(actor, &reader, requestId)
            sessions.setFlash(.init(text: message, isError: false), id: session.id)
            return Self.redirect(back ?? "/coordinator/cases/\(caseId.uuidString.lowercased())")
        } catch let problem as ProblemDetails {
            sessions.setFlash(.init(text: PageMessages.problem(problem, action: action).text, isError: true), id: session.id)
            return Self.redirect(back ?? Self.caseLocation(request) ?? "/coordinator/inbox")
        }
    }

    func loginForm(_ request: Request) -> Response {
        if signedIn(request) != nil { return Self.redirect("/coordinator/inbox") }
        let existing = request.cookies[Self.cookieName].flatMap { sessions.session(id: $0.value) }
        let session = existing ?? sessions.startAnonymous()
        let flash = sessions.takeFlash(id: session.id)
        let body = """
            <h1>Nazorg regie – inloggen</h1>
            <form method="post" action="/coordinator/login" id="inloggen">\(PageHTML.csrfField(session))
            <label>Toegangscode <input type="password" name="token" id="token" autocomplete="off" required></label>
            <button type="submit">Inloggen</button>
            </form>
            """
        var response = Self.html(PageHTML.page(title: "Inloggen", session: nil, flash: flash, body: body))
        if existing == nil { response.setCookie(Self.cookie(session.id, request: request)) }
        return response
    }

    func login(_ request: Request) async throws -> Response {
        guard let id = request.cookies[Self.cookieName]?.value, let anonymous = sessions.session(id: id), anonymous.actor == nil else {
            return Self.redirect("/coordinator/login")
        }
        let form: [String: String]
        do {
            form = try await Self.form(request)
        } catch let problem as ProblemDetails {
            return Self.errorPage(problem, session: nil)
        }
        guard CoordinatorSessions.matches(form["csrf"], anonymous) else {
            return Self.errorPage(ProblemDetails.forbidden("The form does not belong to this session."), session: nil)
        }
        guard let token = form["token"], let actor = accounts.actor(forToken: token) else {
            logger.info("coordinator login refused: unknown token")
            sessions.setFlash(.init(text: "Onbekende toegangscode.", isError: true), id: anonymous.id)
            return Self.redirect("/coordinator/login")
        }
        let session = sessions.signIn(replacing: anonymous.id, actor: actor)
        logger.info("coordinator signed in", metadata: ["coordinator.name": .string(actor.name)])
        var response = Self.redirect("/coordinator/inbox")
        response.setCookie(Self.cookie(session.id, request: request))
        return response
    }

    func logout(_ request: Request) async throws -> Response {
        guard let session = signedIn(request) else { return Self.redirect("/coordinator/login") }
        let form = (try? await Self.form(request)) ?? [:]
        guard CoordinatorSessions.matches(form["csrf"], session) else {
            return Self.errorPage(ProblemDetails.forbidden("The form does not belong to this session."), session: session)
        }
        sessions.end(id: session.id)
        var response = Self.redirect("/coordinator/login")
        response.setCookie(Self.cookie("", request: request, expired: true))
        return response
    }

    // MARK: helpers

    /// The request's form fields: `application/x-www-form-urlencoded` only (415), at most
    /// ``maximumFormSize`` bytes (413).
    static func form(_ request: Request) async throws -> [String: String] {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/x-www-form-urlencoded" else { throw ProblemDetails.unsupportedMediaType }
        let body = try await request.body.collect(upTo: maximumFormSize)
        return try FormEncoding.decode(String(decoding: body.readableBytesView, as: UTF8.self))
    }

    /// Where a form asked to go back to: the inbox, or a case (by its id). Nothing else, so
    /// a form can never send the browser elsewhere.
    static func back(_ value: String?) -> String? {
        guard let value else { return nil }
        if value == "inbox" { return "/coordinator/inbox" }
        guard value.utf8.count == 36, let id = UUID(uuidString: value) else { return nil }
        return "/coordinator/cases/\(id.uuidString.lowercased())"
    }

    /// The case page of an action on a case (`/coordinator/cases/{caseId}/…`).
    static func caseLocation(_ request: Request) -> String? {
        let parts = request.uri.path.split(separator: "/")
        guard parts.count >= 3, parts[1] == "cases" else { return nil }
        return back(String(parts[2]))
    }

    /// The session cookie: HttpOnly, SameSite=Strict, for the page's paths only, and Secure
    /// when the request came over https (directly or through a proxy that says so).
    static func cookie(_ value: String, request: Request, expired: Bool = false) -> Cookie {
        let secure = request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return Cookie(name: cookieName, value: value, maxAge: expired ? 0 : nil, path: "/coordinator", secure: secure,
                      httpOnly: true, sameSite: .strict)
    }
}
