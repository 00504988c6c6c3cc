import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

/// What intake checks before it validates a notice (caller, media type, scope) and what it
/// promises after: the hub's own time on consents, and a 503 within the acknowledgement
/// deadline when Kafka is gone.
@Suite("Intake gates", .serialized)
struct IntakeGateTests {
    /// Nothing in these tests reaches Kafka, so nobody listens at the bootstrap address.
    static let noKafka = "127.0.0.1:1"

    static let deskCallers: CallerTokens = {
        // Constant, valid configuration: the initialiser cannot throw for it.
        try! CallerTokens(callers: [
            .init(name: "test-desk", sha256: CallerTokens.hash("desk-token-for-tests"), scopes: ["PI-TEST"]),
            .init(name: "national-desk", sha256: CallerTokens.hash("national-token-for-tests"), scopes: ["*"]),
        ])
    }()

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/json-seq",
                      "application/json; charset=iso-8859-1", "application/problem+json", ""])
    func aBodyThatIsNotDeclaredJSONGets415(contentType: String?) async throws {
        try await withIntake(bootstrap: Self.noKafka) { client in
            var headers = HTTPFields()
            if let contentType { headers[.contentType] = contentType }
            try await client.execute(uri: "/v1/notices", method: .post, headers: headers, body: ByteBuffer(string: planNotice())) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.type == "urn:nazorg-hub:problem:unsupported-media-type")
            }
        }
    }

    @Test(arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"",
                      "application/json ; charset=UTF-8"])
    func jsonWithParametersPassesTheMediaTypeGate(contentType: String) async throws {
        try await withIntake(bootstrap: Self.noKafka) { client in
            // An empty object passes the gate and fails validation: 400, not 415.
            try await client.execute(uri: "/v1/notices", method: .post, headers: [.contentType: contentType],
                                     body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aScopedDeskLearnsNothingAboutANoticeForAnotherPrison() async throws {
        var foreign = noticeObject(prisonCode: "PI-ELSEWHERE")
        foreign["noticeId"] = "bad notice!"
        foreign["municipality"] = "GM9999"
        foreign["offence"] = "not allowed here"
        var malformed = foreign
        malformed["prisonCode"] = "PI-TEST\n"
        var missing = foreign
        missing["prisonCode"] = nil
        let bodies = [String(decoding: try json(foreign), as: UTF8.self), String(decoding: try json(malformed), as: UTF8.self),
                      String(decoding: try json(missing), as: UTF8.self), #"{"prisonCode":7}"#, "not json", "[]"]
        try await withIntake(bootstrap: Self.noKafka, callers: Self.deskCallers) { client in
            for body in bodies {
                try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders(bearer: "desk-token-for-tests"),
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .forbidden)
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(object?["errors"] == nil)
                    #expect(!String(buffer: response.body).contains("noticeId"))
                }
            }
        }
    }

    @Test func aDeskGetsTheFieldListForItsOwnPrisonAndAnUnscopedDeskForAny() async throws {
        var own = noticeObject(prisonCode: "PI-TEST")
        own["noticeId"] = "bad notice!"
        var other = own
        other["prisonCode"] = "PI-ELSEWHERE"
        let cases = [("desk-token-for-tests", try json(own)), ("national-token-for-tests", try json(other))]
        try await withIntake(bootstrap: Self.noKafka, callers: Self.deskCallers) { client in
            for (token, notice) in cases {
                try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders(bearer: token),
                                         body: ByteBuffer(data: notice)) { response in
                    #expect(response.status == .badRequest)
                    let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                    #expect(problem.errors?.map(\.field) == ["/noticeId"])
                }
            }
        }
    }

    @Test func aConsentCountsFromTheHubsReceiptNotFromTheDesksReportedAt() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 1)
        try cluster.createTopic(Topics.consentEvents, partitions: 1)
        // The desk's clock is an hour behind the hub's.
        let desk = "2026-11-23T09:00:00Z"
        let notice = try json(setting("reportedAt", to: desk, in: noticeObject()))
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(data: notice)) { response in
                #expect(response.status == .accepted)
            }
        }
        let consents = try await readTopic(cluster.bootstrapServers, Topics.consentEvents, atLeast: 1)
        let consent = try ReceivedEvent(record: try #require(consents.first)).decode(ConsentGiven.self)
        #expect(consent.givenAt == ContractCoding.normalized(fixedNow))
        // The desk's time stays on the notice, as information.
        let notices = try await readTopic(cluster.bootstrapServers, Topics.intakeNotices, atLeast: 1)
        let plan = try ReceivedEvent(record: try #require(notices.first)).decode(DetentionPlanShared.self)
        #expect(plan.reportedAt == ContractCoding.parseTimestamp(desk))
    }

    @Test func withTheBrokerDownTheDeskGets503WithinTheDeadline() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 1)
        try cluster.createTopic(Topics.consentEvents, partitions: 1)
        try cluster.setBrokerDown(1)
        let deadline = Duration.seconds(1)
        // Kafka's own time-out is what intake configures: 5 s, well after the deadline.
        try await withIntake(bootstrap: cluster.bootstrapServers, properties: ["message.timeout.ms": "5000"],
                             acknowledgementDeadline: deadline) { client in
            let started = ContinuousClock.now
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(string: planNotice())) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.type == "urn:nazorg-hub:problem:kafka-unavailable")
            }
            let waited = ContinuousClock.now - started
            #expect(waited < deadline + .seconds(3), "the 503 took \(waited)")
            // The send goes on in the background; with the broker back it may still land.
            try cluster.setBrokerUp(1)
        }
    }
}
