import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// `GET /v1/subjects/{bsn}/disclosures`: the person's subject access report (art. 15 AVG),
/// asked for them by the desk of their prison or their municipality's coordinator, with the
/// consent API's accounts and scopes. Who calls (401), is the BSN one (400), is the person
/// one whose notices named a prison or municipality of the caller (404, the same answer as
/// for a person the hub does not know), then the report: JSON, or the printable Dutch page
/// when the caller accepts `text/html`. The BSN lives only in the request: it is turned into
/// the hub's pseudonym at once and never logged; metrics and spans name the route pattern.
struct SubjectAccessRoute: Sendable {
    static let path = "/v1/subjects/:bsn/disclosures"

    let store: FilterStore
    let settings: ConsentAPISettings
    let logger: Logger
    let now: @Sendable () -> Date

    static func add(to router: Router<BasicRequestContext>, store: FilterStore, settings: ConsentAPISettings,
                    logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        let route = SubjectAccessRoute(store: store, settings: settings, logger: logger, now: now)
        router.get(RouterPath(path)) { request, context in try await route.report(request, context: context) }
    }

    enum Format: String {
        case json, html
    }

    func report(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let caller = try settings.callers.authenticate(request)
        guard let format = Self.format(accepting: request.headers[.accept]) else {
            throw ProblemDetails(type: "urn:nazorg-hub:problem:not-acceptable", title: "Not acceptable", status: .notAcceptable,
                                 detail: "The report comes as application/json or as text/html; accept one of them.")
        }
        guard let bsn = context.parameters.get("bsn"), Bsn.isValid(bsn) else {
            throw ProblemDetails.invalidRequest([.init(field: "/bsn", detail: "Nine digits passing the elfproef.")])
        }
        let subject = settings.pseudonymizer.pseudonym(forBSN: bsn)
        let known: Set<String>
        let memories: [DisclosureMemory]
        do {
            known = try await store.scopes(subjectId: subject)
            memories = caller.mayRecord(forSubjectIn: known) ? try await store.disclosures(subjectId: subject) : []
        } catch {
            logger.error("subject access report not made: filter store unavailable", metadata: ["error": .string(error.loggable)])
            throw ProblemDetails(type: "urn:nazorg-hub:problem:store-unavailable", title: "The filter's store is unavailable",
                                 status: .serviceUnavailable, detail: "The report could not be made now. Ask again shortly.")
        }
        guard caller.mayRecord(forSubjectIn: known) else {
            logger.info("subject access refused: person unknown or outside the caller's scope",
                        metadata: ["caller.name": .string(caller.recorder.name)])
            throw ProblemDetails.notFound("No person known to the hub within this account's prisons or municipalities has this BSN. A person becomes known with the first notice about them.")
        }
        let report = SubjectAccessReport(memories, partnerNames: settings.partnerNames, generatedAt: now())
        logger.info("subject access report made", metadata: [
            "caller.name": .string(caller.recorder.name), "report.format": .string(format.rawValue),
            "report.disclosures": "\(report.disclosures.count)",
        ])
        var headers: HTTPFields = [.cacheControl: "no-store", .vary: "Accept"]
        let body: ByteBuffer
        switch format {
        case .json:
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try report.json())
        case .html:
            headers[.contentType] = "text/html; charset=utf-8"
            body = ByteBuffer(string: report.html())
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// The format the `Accept` header asks for: the first of its media types (by quality,
    /// then order) that is JSON or HTML; JSON when the header is absent or takes anything.
    static func format(accepting header: String?) -> Format? {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        var ranked: [(quality: Double, index: Int, format: Format)] = []
        for (index, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            let format: Format? = switch type {
            case "application/json", "application/*", "*/*": .json
            case "text/html", "text/*": .html
            default: nil
            }
            if let format { ranked.append((quality, index, format)) }
        }
        return ranked.min { ($1.quality, $0.index) < ($0.quality, $1.index) }?.format
    }
}
