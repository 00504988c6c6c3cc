import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// What the filter needs to serve `POST /v1/consents` and, to the same accounts, the
/// subject access report `GET /v1/subjects/{bsn}/disclosures`.
public struct ConsentAPISettings: Sendable {
    public static let defaultAcknowledgementDeadline: Duration = .seconds(5)

    public var callers: ConsentCallers
    public var pseudonymizer: SubjectPseudonymizer
    public var acknowledgementDeadline: Duration
    /// The partner directory's names by partner id, which the subject access report shows.
    public var partnerNames: [String: String]

    public init(callers: ConsentCallers, pseudonymizer: SubjectPseudonymizer,
                acknowledgementDeadline: Duration = Self.defaultAcknowledgementDeadline,
                partnerNames: [String: String] = [:]) {
        self.callers = callers
        self.pseudonymizer = pseudonymizer
        self.acknowledgementDeadline = acknowledgementDeadline
        self.partnerNames = partnerNames
    }
}

/// `POST /v1/consents`, step by step: who calls (401), is it JSON (415), is the statement
/// valid (400), is the person one whose notices named a prison or municipality of the
/// caller (404, the same answer as for a person the hub does not know, so the API tells no
/// one outside the person's chain whether the hub knows a BSN), and did Kafka acknowledge
/// one event per basisvoorwaarde in time (202, else 503). The filter applies the events in
/// the order of the person's partition: a withdrawal answered 202 stops every disclosure
/// the filter decides after reading it.
struct ConsentRoute: Sendable {
    static let maximumBodySize = 16 * 1024
    static let retryAfterSeconds = 5

    let publisher: EventPublisher
    let store: FilterStore
    let settings: ConsentAPISettings
    let logger: Logger
    let now: @Sendable () -> Date

    static func add(to router: Router<BasicRequestContext>, publisher: EventPublisher, store: FilterStore,
                    settings: ConsentAPISettings, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        let route = ConsentRoute(publisher: publisher, store: store, settings: settings, logger: logger, now: now)
        router.post("/v1/consents") { request, _ in try await route.record(request) }
    }

    func record(_ request: Request) async throws -> Response {
        let caller = try settings.callers.authenticate(request)
        try request.requireJSONContentType()
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        let receivedAt = now()
        let statement: ConsentStatement
        switch ConsentStatement.parse(Data(buffer: body), now: receivedAt) {
        case .success(let parsed): statement = parsed
        case .failure(let problem):
            logger.info("consent statement rejected", metadata: ["caller.name": .string(caller.recorder.name),
                                                                  "statement.problems": "\(problem.errors?.count ?? 0)"])
            throw problem
        }
        let subject = settings.pseudonymizer.pseudonym(forBSN: statement.bsn)
        let known: Set<String>
        do {
            known = try await store.scopes(subjectId: subject)
        } catch {
            logger.error("consent statement not recorded: filter store unavailable", metadata: ["error": .string(error.loggable)])
            throw Self.unavailable("The filter's store could not be read, so the statement was not recorded. Sending it again is safe.")
        }
        guard caller.mayRecord(forSubjectIn: known) else {
            logger.info("consent statement refused: person unknown or outside the caller's scope",
                        metadata: ["caller.name": .string(caller.recorder.name)])
            throw ProblemDetails.notFound("No person known to the hub within this account's prisons or municipalities has this BSN. A person becomes known with the first notice about them.")
        }
        let trace = request.continuedTrace
        let records = try statement.domains.map { domain in
            let id = statement.consentId(subjectId: subject, domain: domain)
            switch statement.decision {
            case .given:
                return try publisher.record(
                    ConsentGiven(consentId: id, subjectId: subject, domain: domain, givenAt: statement.statedAt ?? receivedAt,
                                 recordedBy: caller.recorder, evidenceRef: statement.evidenceRef, scope: statement.domains,
                                 receivedAt: receivedAt),
                    topic: Topics.consentEvents, key: subject, id: id, subject: subject, trace: trace, time: receivedAt)
            case .withdrawn:
                return try publisher.record(
                    ConsentWithdrawn(consentId: id, subjectId: subject, domain: domain,
                                     withdrawnAt: statement.statedAt ?? receivedAt, recordedBy: caller.recorder,
                                     evidenceRef: statement.evidenceRef, scope: statement.domains, receivedAt: receivedAt),
                    topic: Topics.consentEvents, key: subject, id: id, subject: subject, trace: trace, time: receivedAt)
            }
        }
        try await publish(records, statement: statement)
        logger.info("consent statement recorded", metadata: [
            "caller.name": .string(caller.recorder.name), "consent.decision": .string(statement.decision.rawValue),
            "consent.domains": .string(statement.domains.map(\.rawValue).joined(separator: ",")),
            "trace.id": .string(trace.traceID),
        ])
        HubMetrics.consentStatements(decision: statement.decision.rawValue, count: records.count)
        return Self.accepted(statement, subjectId: subject, receivedAt: receivedAt)
    }

    /// Waits for Kafka's acknowledgement at most the configured deadline; a send that loses
    /// the race still finishes in the background, and the caller's retry publishes the same
    /// events again under the same ids, which the filter applies once.
    private func publish(_ records: [ProducerRecord], statement: ConsentStatement) async throws {
        try await Self.publish(records, with: publisher, settings: settings, logger: logger, what: "consent statement",
                               metadata: ["consent.decision": .string(statement.decision.rawValue)],
                               unavailable: "Kafka did not confirm the statement in time, so it was not recorded. Sending it again is safe.")
    }

    /// Publishes within the API's acknowledgement deadline, else logs and answers 503 with
    /// `unavailable`; a send that loses the race still finishes, and a retry is the same event.
    static func publish(_ records: [ProducerRecord], with publisher: EventPublisher, settings: ConsentAPISettings,
                        logger: Logger, what: String, metadata: Logger.Metadata = [:], unavailable detail: String) async throws {
        do {
            try await AnswerDeadline.run(within: settings.acknowledgementDeadline) { try await publisher.publish(records) }
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.warning("\(what) not acknowledged in time: answered 503",
                           metadata: metadata.merging(["error": .string(error.loggable)]) { _, new in new })
            throw unavailable(detail)
        }
    }

    static func unavailable(_ detail: String) -> ProblemDetails {
        .kafkaUnavailable(detail, retryAfterSeconds: retryAfterSeconds)
    }

    private static func accepted(_ statement: ConsentStatement, subjectId: String, receivedAt: Date) -> Response {
        struct Answer: Encodable {
            struct Consent: Encodable {
                var consentId: String
                var domain: Domain
            }
            var decision: String
            var evidenceRef: String
            var receivedAt: String
            var consents: [Consent]
        }
        let answer = Answer(decision: statement.decision.rawValue, evidenceRef: statement.evidenceRef,
                            receivedAt: ContractCoding.timestamp(receivedAt),
                            consents: statement.domains.map { .init(consentId: statement.consentId(subjectId: subjectId, domain: $0),
                                                                    domain: $0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(answer)) ?? Data("{}".utf8)
        return Response(status: .accepted, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
