import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

/// One `noticeId`, one notice: a repeat gets the first answer and publishes nothing new,
/// other content under a used `noticeId` gets 409, also after a restart and when requests race.
@Suite("Intake API: idempotent notices", .serialized)
struct IdempotencyAPITests {
    @Test func theSameNoticeTwiceGetsTheSameAnswerAndIsPublishedOnce() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let plan = try json(detailedPlan())
        // The desk's retry stamps reportedAt anew: still the same notice.
        let restamped = try json(setting("reportedAt", to: "2026-11-23T09:45:00Z", in: detailedPlan()))
        let sentinelBody = try json(sentinelNotice())
        let sentinel = Shared("")
        let answers = Shared<[String]>([])
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            for body in [plan, plan, restamped] {
                let response = try await submit(client, body)
                #expect(response.status == .accepted)
                answers.update { $0.append(String(buffer: response.body)) }
            }
            sentinel.value = try acceptedEventId(try await submit(client, sentinelBody))
        }
        #expect(answers.value.count == 3 && Set(answers.value).count == 1)
        let events = try await intakeEvents(cluster.bootstrapServers, through: sentinel.value)
        let plans = events.filter { $0.envelope.type == .detentionPlanShared }
        #expect(plans.count == 1, "the repeats were answered from the store, not published again")
        #expect(answers.value.first == #"{"eventId":"\#(plans.first?.envelope.id ?? "")"}"#)
        // The details and the remark reach the topic as sent.
        let published = try #require(plans.first).decode(DetentionPlanShared.self)
        #expect(published.needs.first?.remark == sentinelRemark)
        #expect(published.needs.first?.details?.housing?.tenancyAtRisk == true)
    }

    @Test func otherContentUnderAUsedNoticeIdIs409WithThePointerToCorrectionsAndIsNotPublished() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let plan = try json(detailedPlan())
        let changed = try json(setting("needs/0/status", to: "arranged", in: detailedPlan()))
        let otherType = try json(setting("noticeId", to: "pi-test-plan", in: noticeObject("ReleaseScheduled")))
        let sentinelBody = try json(sentinelNotice())
        let first = Shared("")
        let sentinel = Shared("")
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            first.value = try acceptedEventId(try await submit(client, plan))
            for body in [changed, otherType] {
                let response = try await submit(client, body)
                #expect(response.status == .conflict)
                #expect(response.headers[.contentType] == "application/problem+json")
                let text = String(buffer: response.body)
                for secret in ["999990019", "Testpersoon", "Sentinel", "1990-01-01"] {
                    #expect(!text.contains(secret), "the 409 repeats personal data")
                }
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.type == "urn:nazorg-hub:problem:notice-id-conflict")
                #expect(problem.statusCode == 409)
                #expect(problem.detail.contains("correctsNoticeId"))
                #expect(problem.errors?.map(\.field) == ["/noticeId"])
            }
            // The first notice still answers as it did.
            #expect(try acceptedEventId(try await submit(client, plan)) == first.value)
            sentinel.value = try acceptedEventId(try await submit(client, sentinelBody))
        }
        let events = try await intakeEvents(cluster.bootstrapServers, through: sentinel.value)
        #expect(events.map(\.envelope.id) == [first.value, sentinel.value])
    }

    @Test func concurrentIdenticalNoticesArePublishedOnceAndAnsweredAlike() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let plan = try json(detailedPlan())
        let sentinelBody = try json(sentinelNotice())
        let sentinel = Shared("")
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await submit(client, plan)
                        return (response.status, String(buffer: response.body))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.0 == .accepted })
            #expect(Set(answers.map(\.1)).count == 1)
            sentinel.value = try acceptedEventId(try await submit(client, sentinelBody))
        }
        let events = try await intakeEvents(cluster.bootstrapServers, through: sentinel.value)
        #expect(events.filter { $0.envelope.type == .detentionPlanShared }.count == 1)
    }

    @Test func ofConcurrentNoticesWithOtherContentUnderOneNoticeIdOneWinsAndTheOthersGet409() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let dates = (1...8).map { "2027-03-\(String(format: "%02d", $0))" }
        let bodies = try dates.map { (date: $0, body: try json(setting("expectedReleaseDate", to: $0, in: noticeObject("ReleaseScheduled")))) }
        let sentinelBody = try json(sentinelNotice())
        let sentinel = Shared("")
        let winner = Shared("")
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            let answers = try await withThrowingTaskGroup(of: (String, TestResponse).self) { group in
                for (date, body) in bodies {
                    group.addTask { (date, try await submit(client, body)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let accepted = answers.filter { $0.1.status == .accepted }
            #expect(accepted.count == 1)
            #expect(answers.filter { $0.1.status == .conflict }.count == dates.count - 1)
            winner.value = accepted.first?.0 ?? ""
            sentinel.value = try acceptedEventId(try await submit(client, sentinelBody))
        }
        let events = try await intakeEvents(cluster.bootstrapServers, through: sentinel.value)
        let published = try events.filter { $0.envelope.id != sentinel.value }.map { try $0.decode(ReleaseScheduled.self) }
        #expect(published.map(\.expectedReleaseDate.description) == [winner.value], "only the winner was published")
    }

    /// A crash between storing a notice and Kafka's acknowledgement, played by a broker that
    /// cannot be reached: the desk gets 503, and its retry publishes the stored notice as the
    /// same event (same id, stamped with the first receipt).
    @Test func aNoticeStoredButNeverAcknowledgedIsPublishedWhenTheDeskSendsItAgain() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let store = try SQLiteNoticeStore(path: nil)
        let plan = try json(detailedPlan())
        let sentinelBody = try json(sentinelNotice())
        try await withIntake(bootstrap: "127.0.0.1:1", properties: ["message.timeout.ms": "1500"], store: store,
                             now: { fixedNow }) { client in
            let response = try await submit(client, plan)
            #expect(response.status == .serviceUnavailable)
        }
        let stored = try #require(try await store.notice(prisonCode: "PI-TEST", noticeId: "pi-test-plan"))
        #expect(!stored.published)
        let later = fixedNow.addingTimeInterval(600)
        let sentinel = Shared("")
        try await withIntake(bootstrap: cluster.bootstrapServers, store: store, now: { later }) { client in
            #expect(try acceptedEventId(try await submit(client, plan)) == stored.eventId)
            sentinel.value = try acceptedEventId(try await submit(client, sentinelBody))
        }
        #expect(try await store.notice(prisonCode: "PI-TEST", noticeId: "pi-test-plan")?.published == true)
        let events = try await intakeEvents(cluster.bootstrapServers, through: sentinel.value)
        let plans = events.filter { $0.envelope.type == .detentionPlanShared }
        #expect(plans.map(\.envelope.id) == [stored.eventId])
        #expect(plans.first?.envelope.time == ContractCoding.normalized(fixedNow))
    }

    /// The store is the service's file in its data directory: a restarted intake answers a
    /// repeat as before and still refuses other content under the same `noticeId`.
    @Test func aRestartedIntakeServiceKeepsItsAnswersAndItsConflicts() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let directory = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = ServiceOptions(kafka: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), port: 0,
                                     dataDirectory: directory)
        let plan = try String(decoding: json(detailedPlan()), as: UTF8.self)
        let changed = try String(decoding: json(setting("needs/1/status", to: "needed", in: detailedPlan())), as: UTF8.self)
        let headers = ["Content-Type": "application/json"]
        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let assembly = try IntakeService.make(options: options, pseudonymizer: pseudonymizer, logger: logger)
            try await withServices(assembly.services) {
                try await body("http://127.0.0.1:\(try await assembly.endpoint.waitForPort())/v1/notices")
            }
        }
        let first = Shared<HTTPAnswer?>(nil)
        try await run { url in
            first.value = try await httpRequest(url, method: "POST", body: plan, headers: headers)
        }
        #expect(first.value?.status == 202)
        #expect(FileManager.default.fileExists(atPath: directory + "/" + IntakeService.storeFile))
        try await run { url in
            let again = try await httpRequest(url, method: "POST", body: plan, headers: headers)
            #expect(again.status == 202)
            #expect(again.body == first.value?.body)
            let conflict = try await httpRequest(url, method: "POST", body: changed, headers: headers)
            #expect(conflict.status == 409)
            #expect(conflict.contentType == "application/problem+json")
        }
    }
}

