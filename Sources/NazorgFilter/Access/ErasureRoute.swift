import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// `POST /v1/subjects/{bsn}/erasure`: the person's right to erasure (art. 17 AVG), asked for
/// them by the desk of their prison or their municipality's coordinator, with the consent
/// API's accounts and scopes. Who calls (401), is it JSON (415), is the BSN one and the body
/// an evidence reference (400), is the person one the caller's scope reaches (404, as for a
/// person the hub does not know), then: a ``SubjectErased`` on the consent topic,
/// acknowledged by Kafka (else 503 and nothing erased), and the person's data keys deleted,
/// so every sealed copy of their personal fields on every topic is unreadable from the
/// answer on (202). The filter then asks partners to delete, logs the erasure, and every
/// service deletes its rows (``FilterEngine/erase(_:envelope:into:_:)``). The BSN lives only
/// in the request and is never logged.
struct ErasureRoute: Sendable {
    static let path = "/v1/subjects/:bsn/erasure"
    static let maximumBodySize = 4 * 1024

    let publisher: EventPublisher
    let store: FilterStore
    let settings: ConsentAPISettings
    let logger: Logger
    let now: @Sendable () -> Date

    static func add(to router: Router<BasicRequestContext>, publisher: EventPublisher, store: FilterStore,
                    settings: ConsentAPISettings, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        let route = ErasureRoute(publisher: publisher, store: store, settings: settings, logger: logger, now: now)
        router.post(RouterPath(path)) { request, context in try await route.erase(request, context: context) }
    }

    func erase(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let caller = try settings.callers.authenticate(request)
        try request.requireJSONContentType()
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        guard let bsn = context.parameters.get("bsn"), Bsn.isValid(bsn) else {
            throw ProblemDetails.invalidRequest([.init(field: "/bsn", detail: "Nine digits passing the elfproef.")])
        }
        let evidenceRef = try Self.evidenceReference(Data(buffer: body))
        let receivedAt = now()
        let subject = settings.pseudonymizer.pseudonym(forBSN: bsn)
        let known: Set<String>
        do {
            known = try await store.scopes(subjectId: subject)
        } catch {
            logger.error("erasure not recorded: filter store unavailable", metadata: ["error": .string(error.loggable)])
            throw ConsentRoute.unavailable("The filter's store could not be read, so nothing was erased. Asking again is safe.")
        }
        guard caller.mayRecord(forSubjectIn: known) else {
            logger.info("erasure refused: person unknown or outside the caller's scope",
                        metadata: ["caller.name": .string(caller.recorder.name)])
            throw ProblemDetails.notFound("No person known to the hub within this account's prisons or municipalities has this BSN. A person becomes known with the first notice about them; an erased person is not known any more.")
        }
        // The same request again (a retry after a 503) is the same erasure.
        let erasureId = DeterministicID.string("erasure", subject, evidenceRef)
        let erasure = SubjectErased(erasureId: erasureId, subjectId: subject, recordedBy: caller.recorder,
                                    evidenceRef: evidenceRef, receivedAt: receivedAt)
        let trace = request.continuedTrace
        let record = try publisher.record(erasure, topic: Topics.consentEvents, key: subject, id: erasureId, subject: subject,
                                          trace: trace, time: receivedAt)
        try await ConsentRoute.publish([record], with: publisher, settings: settings, logger: logger, what: "erasure",
                                       unavailable: "Kafka did not confirm the erasure in time, so it was not recorded. Asking again is safe.")
        // Recorded: from here on the filter finishes it even if deleting the keys fails now.
        var keysDestroyed: Int?
        do {
            keysDestroyed = try publisher.sealing?.keys.erase(subjectId: subject, now: receivedAt)
        } catch {
            logger.error("erasure recorded, data keys not deleted yet: the filter deletes them when it handles the erasure",
                         metadata: ["erasure.id": .string(erasureId), "error": .string(error.loggable)])
        }
        logger.info("erasure recorded", metadata: [
            "caller.name": .string(caller.recorder.name), "erasure.id": .string(erasureId),
            "erasure.keys": "\(keysDestroyed.map(String.init) ?? "none")", "trace.id": .string(trace.traceID),
        ])
        struct Answer: Encodable {
            var erasureId: String
            var evidenceRef: String
            var receivedAt: String
            /// Whether the topics' copies were made unreadable at once (false: the hub runs without a key store).
            var sealedCopiesDestroyed: Bool
        }
        let answer = Answer(erasureId: erasureId, evidenceRef: evidenceRef, receivedAt: ContractCoding.timestamp(receivedAt),
                            sealedCopiesDestroyed: keysDestroyed != nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .accepted, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(answer))))
    }

    /// The request's one field, the reference of the form or letter the erasure rests on.
    static func evidenceReference(_ body: Data) throws -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ProblemDetails.invalidRequest([.init(field: "", detail: "A JSON object with evidenceRef.")])
        }
        var problems: [ProblemDetails.FieldError] = Set(object.keys).subtracting(["evidenceRef"]).sorted().map {
            .init(field: "/" + $0, detail: "Not a field of an erasure request.")
        }
        let evidenceRef = object["evidenceRef"] as? String
        if evidenceRef.map({ InputText.fullyMatches($0, pattern: #"\A[A-Za-z0-9._:-]{1,64}\z"#) }) != true {
            problems.append(.init(field: "/evidenceRef", detail: "Required: the reference of the signed request, 1 to 64 letters, digits, '.', '_', ':' or '-'."))
        }
        guard problems.isEmpty, let evidenceRef else { throw ProblemDetails.invalidRequest(problems) }
        return evidenceRef
    }
}
