import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// The coordinator's JSON API (`Contracts/openapi/planning.yaml`) over a ``CoordinatorDesk``.
///
/// Each request is checked in this order: the bearer token (401); the ids in the path, which
/// must have the contract's form (404 otherwise, like anything outside the account's scope,
/// so existence never leaks); for a command the `Idempotency-Key` and the content type (415),
/// the body size (413) and every field (422, by JSON pointer); then the desk decides (404,
/// 409, 422). A read that shows a case is logged in the disclosure log first: 503 when that
/// log cannot be written, and the answer is not sent.
struct CoordinatorAPI: Sendable {
    static let maximumBodySize = 16 * 1024
    static let maximumIdempotencyKeyLength = 128

    let desk: any CoordinatorDesk
    let accounts: CoordinatorAccounts
    let policy: CoordinatorPolicy
    let audit: CaseViewAudit
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/cases") { request, _ in try await cases(request) }
        router.get("/v1/cases/:caseId") { request, context in try await timeline(request, context) }
        router.get("/v1/escalations") { request, _ in try await escalations(request) }
        router.post("/v1/escalations/:escalationId/acknowledge") { request, context in
            try await updateEscalation(request, context, resolve: false)
        }
        router.post("/v1/escalations/:escalationId/resolve") { request, context in
            try await updateEscalation(request, context, resolve: true)
        }
        router.post("/v1/tasks/:taskId/reassign") { request, context in try await reassign(request, context) }
        router.post("/v1/cases/:caseId/notes") { request, context in try await addNote(request, context) }
        router.post("/v1/cases/:caseId/close") { request, context in try await close(request, context) }
        router.post("/v1/cases/:caseId/cooperation") { request, context in try await recordCooperation(request, context) }
    }

    // MARK: reads

    func cases(_ request: Request) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let query = try CaseQuery.read(try FormEncoding.decode(request.uri.query ?? ""))
        let found = try await deskCall(logger) { try await desk.cases(query, actor: actor) }
        try await audit.record(found.map { .init(caseId: $0.caseId, subjectId: $0.subjectId, fields: CaseJSON.shownFields($0, policy: policy)) },
                               actor: actor, route: "/v1/cases", requestId: Self.freshId(), trace: request.continuedTrace)
        return try Self.json(CaseListJSON(cases: found.map { CaseJSON($0, policy: policy) }, limit: query.limit, offset: query.offset))
    }

    func timeline(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let caseId = try Self.caseId(context)
        try Self.requireNoQuery(request)
        let timeline = try await deskCall(logger) { try await desk.timeline(caseId: caseId, actor: actor) }
        try await audit.record([.init(caseId: caseId, subjectId: timeline.summary.subjectId,
                                      fields: TimelineJSON.shownFields(timeline, policy: policy))],
                               actor: actor, route: "/v1/cases/{caseId}", requestId: Self.freshId(), trace: request.continuedTrace)
        return try Self.json(TimelineJSON(timeline, policy: policy))
    }

    func escalations(_ request: Request) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let query = try EscalationQuery.read(try FormEncoding.decode(request.uri.query ?? ""))
        let found = try await deskCall(logger) { try await desk.escalations(query, actor: actor) }.sortedByUrgency()
        try await audit.record(found.map {
            .init(caseId: $0.escalation.caseId, subjectId: $0.escalation.subjectId, fields: EscalationJSON.shownFields($0, policy: policy))
        }, actor: actor, route: "/v1/escalations", requestId: Self.freshId(), trace: request.continuedTrace)
        return try Self.json(EscalationListJSON(escalations: found.map { EscalationJSON($0, policy: policy) }))
    }

    // MARK: helpers

    /// A path's case id; anything but a UUID is a case that does not exist.
    static func caseId(_ context: BasicRequestContext) throws -> UUID {
        guard let text = context.parameters.get("caseId"), text.utf8.count == 36, let id = UUID(uuidString: text) else {
            throw ProblemDetails.coordinatorNotFound
        }
        return id
    }

    /// A path's task or escalation id, in the contract's `Identifier` form, else 404.
    static func identifier(_ name: String, _ context: BasicRequestContext) throws -> String {
        guard let text = context.parameters.get(name), InputText.fullyMatches(text, pattern: ContractPatterns.identifier) else {
            throw ProblemDetails.coordinatorNotFound
        }
        return text
    }

    static func requireNoQuery(_ request: Request) throws {
        let parameters = try FormEncoding.decode(request.uri.query ?? "")
        var reader = InputReader(values: parameters, prefix: "")
        reader.rejectUnknown(allowed: [])
        try reader.finish()
    }

    /// The command's request id: its `Idempotency-Key`, or a fresh one.
    static func requestId(_ request: Request) throws -> String {
        guard let key = request.headers[.idempotencyKey] else { return freshId() }
        guard InputText.fullyMatches(key, pattern: #"\A[\x21-\x7E]{1,\#(maximumIdempotencyKeyLength)}\z"#) else {
            throw ProblemDetails.invalidFields([.init(field: "Idempotency-Key",
                                                      detail: "This header must be 1 to \(maximumIdempotencyKeyLength) visible ASCII characters.")])
        }
        return key
    }

    static func freshId() -> String { UUID().uuidString.lowercased() }

    /// The JSON body of a command, read after its content type and size were checked.
    static func body(_ request: Request) async throws -> InputReader {
        try request.requireJSONContentType()
        let body = try await request.body.collect(upTo: maximumBodySize)
        return try InputReader.body(Data(buffer: body))
    }

    /// A JSON answer that no cache keeps: it may hold personal data.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(data: try ContractJSONEncoder.encode(value))))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
