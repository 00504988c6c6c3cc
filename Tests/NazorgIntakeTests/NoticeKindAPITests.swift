import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing
@testable import NazorgIntake

/// The notice kinds beyond the first three (and remand) at `POST /v1/notices`, through a real
/// producer to the embedded broker. The hub's clock is ``fixedNow``, so the fixtures' dates
/// are plausible whenever the tests run.
@Suite("Intake API: every notice kind", .serialized)
struct NoticeKindAPITests {
    /// A notice to submit, with what its event must say.
    struct Submission: Sendable {
        var label: String
        var body: Data
        var type: EventType
    }

    static func submissions() throws -> [Submission] {
        var remand = setting("detentionType", to: "remand", in: noticeObject("DetentionStarted"))
        remand["expectedReleaseDate"] = nil
        remand["noticeId"] = "pi-test-remand"
        var remandPlan = setting("detentionType", to: "remand", in: noticeObject("DetentionPlanShared"))
        remandPlan["expectedReleaseDate"] = nil
        remandPlan["noticeId"] = "pi-test-remand-plan"
        var unannounced = setting("unannounced", to: true, in: noticeObject("Released"))
        unannounced = setting("releaseType", to: "released-from-court", in: unannounced)
        unannounced["noticeId"] = "pi-test-unannounced"
        var wrongPerson = setting("reason", to: "wrong-person", in: noticeObject("NoticeWithdrawn"))
        wrongPerson["noticeId"] = "pi-test-withdraw-2"
        let objects: [(String, [String: Any])] = [
            ("remand", remand), ("remand-plan", remandPlan),
            ("date-changed", noticeObject("ReleaseDateChanged")), ("released", noticeObject("Released")),
            ("unannounced", unannounced), ("transferred", noticeObject("Transferred")),
            ("withdrawn", noticeObject("NoticeWithdrawn")), ("wrong-person", wrongPerson),
        ]
        return try objects.map { label, object in
            // Each its own notice: a noticeId used again with other content would be refused.
            var object = object
            object["noticeId"] = "pi-test-\(label)"
            let name = try #require(object["type"] as? String)
            let type = try #require(EventType(rawValue: name))
            return Submission(label: label, body: try json(object), type: type)
        }
    }

    /// Each kind is accepted, a resubmission gets the same event id and is not published
    /// again, and the event on Kafka has the kind's `ce_type`, the pseudonym as key, and a body
    /// valid against its schema.
    @Test func everyNoticeKindIsAcceptedAndPublishedValidAgainstItsSchema() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 3)
        try cluster.createTopic(Topics.consentEvents, partitions: 3)
        let submissions = try Self.submissions()
        let answers = AcceptedIds()
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            for submission in submissions {
                for _ in 0..<2 {
                    try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                             body: ByteBuffer(data: submission.body)) { response in
                        #expect(response.status == .accepted, "\(submission.label)")
                        let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                        answers.add(submission.label, try #require(answer?["eventId"]))
                    }
                }
            }
        }
        let ids = answers.byLabel
        for submission in submissions {
            let sent = ids[submission.label] ?? []
            #expect(sent.count == 2 && Set(sent).count == 1, "a resubmitted \(submission.label) keeps its event id")
        }
        #expect(Set(ids.values.compactMap(\.first)).count == submissions.count, "every notice has an event id of its own")

        let records = try await readTopic(cluster.bootstrapServers, Topics.intakeNotices, atLeast: submissions.count,
                                          timeout: .seconds(120))
        let pseudonym = pseudonymizer.pseudonym(forBSN: "999990019")
        var payloads: [(type: EventType, label: String, json: Data)] = []
        for submission in submissions {
            let id = try #require(ids[submission.label]?.first)
            let matching = records.filter { (try? ReceivedEvent(record: $0))?.envelope.id == id }
            #expect(matching.count == 1, "\(submission.label): the resubmission was answered from the store")
            let record = try #require(matching.first, "\(submission.label) is not on Kafka")
            let ceType = record.headers.first { $0.key == CloudEventHeader.type }?.value.map { String(decoding: $0, as: UTF8.self) }
            #expect(ceType == "nl.nazorg.\(submission.type.rawValue).v1")
            #expect(record.keyText == pseudonym)
            let notice = try IntakeNotice.decode(from: Data(record.value), eventType: submission.type)
            #expect(notice.subjectId == pseudonym)
            #expect(!String(decoding: record.value, as: UTF8.self).contains(#""type""#), "the request's type field stays out of the body")
            payloads.append((submission.type, "kafka-\(submission.label)", Data(record.value)))
        }
        #expect(try payloadsValidateAgainstTheirSchemas(payloads))

        // What the events say, decoded as the consumers decode them.
        let byLabel = Dictionary(uniqueKeysWithValues: try submissions.map { submission in
            let id = try #require(ids[submission.label]?.first)
            let record = try #require(records.first { (try? ReceivedEvent(record: $0))?.envelope.id == id })
            return (submission.label, try IntakeNotice.decode(from: Data(record.value), eventType: submission.type))
        })
        if case .detentionStarted(let remand)? = byLabel["remand"] {
            #expect(remand.detentionType == .remand && remand.expectedReleaseDate == nil)
        } else { Issue.record("remand is not a DetentionStarted") }
        if case .detentionPlanShared(let plan)? = byLabel["remand-plan"] {
            #expect(plan.detentionType == .remand && plan.expectedReleaseDate == nil)
        } else { Issue.record("remand-plan is not a DetentionPlanShared") }
        if case .released(let released)? = byLabel["unannounced"] {
            #expect(released.unannounced && released.releaseType == .releasedFromCourt)
        } else { Issue.record("unannounced is not a Released") }
        if case .noticeWithdrawn(let withdrawal)? = byLabel["wrong-person"] {
            #expect(withdrawal.withdrawnNoticeId == "pi-test-0" && withdrawal.reason == .wrongPerson)
        } else { Issue.record("wrong-person is not a NoticeWithdrawn") }
        if case .releaseDateChanged(let change)? = byLabel["date-changed"] {
            #expect(change.direction == .earlier)
        } else { Issue.record("date-changed is not a ReleaseDateChanged") }
    }

    /// An invalid notice of a new kind is refused with every bad field by pointer, without
    /// its values, and nothing reaches Kafka.
    @Test func anInvalidNoticeOfANewKindIsRefusedByPointer() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        try cluster.createTopic(Topics.intakeNotices, partitions: 1)
        try cluster.createTopic(Topics.consentEvents, partitions: 1)
        var released = noticeObject("Released")
        released["releasedAt"] = "2026-11-23T09:30:00"
        released["releaseType"] = "escaped"
        released["unannounced"] = "jawel"
        released["releaseDate"] = "2026-11-23"
        var transfer = setting("toPrisonCode", to: "PI-TEST", in: noticeObject("Transferred"))
        transfer["transferDate"] = "2031-01-01"
        let withdrawal = setting("withdrawnNoticeId", to: "pi-test-1", in: noticeObject("NoticeWithdrawn"))
        let cases: [([String: Any], Set<String>)] = [
            (released, ["/releasedAt", "/releaseType", "/unannounced", "/releaseDate"]),
            (transfer, ["/toPrisonCode", "/transferDate"]),
            (withdrawal, ["/withdrawnNoticeId"]),
            (setting("expectedReleaseDate", to: "2027-03-15", in: noticeObject("ReleaseDateChanged")), ["/expectedReleaseDate"]),
        ]
        let bodies = try cases.map { (try json($0.0), $0.1) }
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            for (body, pointers) in bodies {
                try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(data: body)) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let text = String(buffer: response.body)
                    for secret in ["999990019", "Testpersoon", "escaped", "jawel", "2031-01-01", "PI-TEST\"", "pi-test-1"] {
                        #expect(!text.contains(secret), "the answer repeats a submitted value")
                    }
                    let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                    #expect(Set(problem.errors?.map(\.field) ?? []) == pointers)
                }
            }
            // A valid notice after them proves the producer worked all along.
            try await client.execute(uri: "/v1/notices", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(data: try json(noticeObject("Transferred")))) { response in
                #expect(response.status == .accepted)
            }
        }
        let records = try await readTopic(cluster.bootstrapServers, Topics.intakeNotices, atLeast: 1)
        #expect(records.count == 1)
        #expect(records.first.flatMap { try? ReceivedEvent(record: $0) }?.envelope.type == .transferred)
    }
}

/// The event ids intake answered, per submission.
final class AcceptedIds: Sendable {
    private let ids = Mutex<[String: [String]]>([:])
    func add(_ label: String, _ id: String) { ids.withLock { $0[label, default: []].append(id) } }
    var byLabel: [String: [String]] { ids.withLock { $0 } }
}
