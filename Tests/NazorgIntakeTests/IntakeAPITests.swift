import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import Synchronization
import NazorgTestSupport
import Testing
@testable import NazorgIntake

@Suite("Intake API", .serialized)
struct IntakeAPITests {
    @Test func acceptedNoticeIsOnKafkaUnderThePseudonymNeverTheBSN() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 3)
        try cluster.createTopic(Topics.consentEvents, partitions: 3)
        let eventIds = EventIds()
        try await withIntake(bootstrap: cluster.bootstrapServers) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(string: planNotice())) { response in
                    #expect(response.status == .accepted)
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                    eventIds.add(try #require(json?["eventId"]))
                }
            }
        }
        // Resubmitting the same notice repeats the same event id and publishes nothing more.
        #expect(eventIds.all.count == 2 && Set(eventIds.all).count == 1)
        let notices = try await readTopic(cluster.bootstrapServers, Topics.intakeNotices, atLeast: 1)
        #expect(notices.count == 1)
        let record = try #require(notices.first)
        let pseudonym = pseudonymizer.pseudonym(forBSN: "999990019")
        #expect(record.keyText == pseudonym)
        #expect(record.keyText != "999990019")
        let event = try ReceivedEvent(record: record)
        #expect(event.envelope.type == .detentionPlanShared)
        #expect(event.envelope.id == eventIds.all.first)
        #expect(event.envelope.subject == pseudonym)
        let plan = try event.decode(DetentionPlanShared.self)
        #expect(plan.subjectId == pseudonym)
        #expect(plan.needs.count == 3)
        let consents = try await readTopic(cluster.bootstrapServers, Topics.consentEvents, atLeast: 1)
        let consent = try ReceivedEvent(record: try #require(consents.first)).decode(ConsentGiven.self)
        #expect(consent.domain == .housing)
        #expect(consent.subjectId == pseudonym)
    }

    @Test func invalidNoticeNamesEveryBadFieldWithoutEchoingValues() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        let body = """
            {"type":"DetentionPlanShared","noticeId":"bad notice!","municipality":"GM9999","prisonCode":"PI-TEST",
             "person":{"bsn":"999990018","givenName":"Tessa","birthDate":"1990-02-30"},
             "detentionType":"sentence","expectedReleaseDate":"2027-03-15",
             "needs":[{"domain":"housing","status":"needed"},{"domain":"moon","status":"needed"}],
             "consents":["housing"],"offence":"not allowed here"}
            """
        try await withIntake(bootstrap: cluster.bootstrapServers) { client in
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let text = String(buffer: response.body)
                #expect(!text.contains("999990018"))
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.statusCode == 400)
                let fields = Set(problem.errors?.map(\.field) ?? [])
                #expect(fields == ["/noticeId", "/municipality", "/person/bsn", "/person/surname", "/person/birthDate",
                                   "/needs/1/domain", "/offence"])
            }
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders, body: ByteBuffer(string: "not json")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func withTokensADeskSubmitsOnlyForItsOwnPrison() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 1)
        try cluster.createTopic(Topics.consentEvents, partitions: 1)
        let callers = try CallerTokens(callers: [
            .init(name: "test-desk", sha256: CallerTokens.hash("desk-token-for-tests"), scopes: ["PI-TEST"]),
            .init(name: "other-desk", sha256: CallerTokens.hash("other-token-for-tests"), scopes: ["PI-ELSEWHERE"]),
        ])
        try await withIntake(bootstrap: cluster.bootstrapServers, callers: callers) { client in
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders, body: ByteBuffer(string: planNotice())) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders(bearer: "other-token-for-tests"),
                                     body: ByteBuffer(string: planNotice())) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders(bearer: "desk-token-for-tests"),
                                     body: ByteBuffer(string: planNotice())) { response in
                #expect(response.status == .accepted)
            }
        }
        // Only the authorised notice reached Kafka.
        #expect(try await readTopic(cluster.bootstrapServers, Topics.intakeNotices, atLeast: 1).count == 1)
    }

    @Test func unreachableKafkaGives503() async throws {
        try await withIntake(bootstrap: "127.0.0.1:1", properties: ["message.timeout.ms": "1500"]) { client in
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders, body: ByteBuffer(string: planNotice())) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.type == "urn:nazorg-hub:problem:kafka-unavailable")
            }
        }
    }
}

final class EventIds: Sendable {
    private let ids = Mutex<[String]>([])
    func add(_ id: String) { ids.withLock { $0.append(id) } }
    var all: [String] { ids.withLock { $0 } }
}
