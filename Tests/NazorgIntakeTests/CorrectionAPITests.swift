import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

/// Corrections (`correctsNoticeId`), the municipality change, and what intake's log never says.
@Suite("Intake API: corrections and municipality changes", .serialized)
struct CorrectionAPITests {
    /// A ReleaseScheduled with its own `noticeId`, correcting `corrects` when given.
    static func schedule(_ noticeId: String, date: String = "2027-03-15", corrects: String? = nil,
                         bsn: String = "999990019") throws -> Data {
        var object = setting("noticeId", to: noticeId, in: noticeObject("ReleaseScheduled"))
        object["expectedReleaseDate"] = date
        object["correctsNoticeId"] = corrects
        return try json(setting("person/bsn", to: bsn, in: object))
    }

    @Test func aCorrectionIsAcceptedAndPublishedNamingTheNoticeItCorrects() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let ids = Shared<[String]>([])
        let bodies = [try Self.schedule("pi-test-rs-1"), try Self.schedule("pi-test-rs-2", date: "2027-03-01", corrects: "pi-test-rs-1")]
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            for body in bodies {
                let response = try await submit(client, body)
                #expect(response.status == .accepted)
                ids.update { $0.append((try? acceptedEventId(response)) ?? "") }
            }
        }
        let correctionId = try #require(ids.value.last)
        let events = try await intakeEvents(cluster.bootstrapServers, through: correctionId)
        #expect(events.map(\.envelope.id) == ids.value)
        let correction = try #require(events.last).decode(ReleaseScheduled.self)
        #expect(correction.correctsNoticeId == "pi-test-rs-1")
        #expect(correction.expectedReleaseDate.description == "2027-03-01")
        #expect(try payloadsValidateAgainstTheirSchemas([(.releaseScheduled, "correction", Data(try #require(events.last).record.value))]))
    }

    @Test func aCorrectionOfAnUnknownOtherTypeOtherPersonOrAlreadyCorrectedNoticeIsRefused() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let refused: [(label: String, body: Data, status: HTTPResponse.Status, type: String)] = [
            ("unknown notice", try Self.schedule("pi-test-fix-1", corrects: "pi-test-never-sent"), .unprocessableContent,
             "urn:nazorg-hub:problem:invalid-correction"),
            ("itself", try Self.schedule("pi-test-fix-2", corrects: "pi-test-fix-2"), .unprocessableContent,
             "urn:nazorg-hub:problem:invalid-correction"),
            ("another type", try json(setting("correctsNoticeId", to: "pi-test-original",
                                              in: setting("noticeId", to: "pi-test-fix-3", in: noticeObject("Transferred")))),
             .unprocessableContent, "urn:nazorg-hub:problem:invalid-correction"),
            ("another person", try Self.schedule("pi-test-fix-4", corrects: "pi-test-original", bsn: "999990020"),
             .unprocessableContent, "urn:nazorg-hub:problem:invalid-correction"),
            ("corrected already", try Self.schedule("pi-test-fix-5", date: "2027-03-02", corrects: "pi-test-original"), .conflict,
             "urn:nazorg-hub:problem:correction-conflict"),
        ]
        let accepted = Shared<[String]>([])
        let originals = [try Self.schedule("pi-test-original"),
                         try Self.schedule("pi-test-fix-0", date: "2027-03-01", corrects: "pi-test-original")]
        let retryBody = try Self.schedule("pi-test-fix-1", corrects: "pi-test-fix-0")
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            for body in originals {
                let response = try await submit(client, body)
                #expect(response.status == .accepted)
                accepted.update { $0.append((try? acceptedEventId(response)) ?? "") }
            }
            for item in refused {
                let response = try await submit(client, item.body)
                #expect(response.status == item.status, "\(item.label)")
                let text = String(buffer: response.body)
                #expect(!text.contains("999990019") && !text.contains("999990020") && !text.contains("Testpersoon"))
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.type == item.type, "\(item.label)")
                #expect(problem.errors?.map(\.field) == ["/correctsNoticeId"], "\(item.label)")
            }
            // A refused correction kept nothing: the same noticeId is free for a valid notice.
            let retry = try await submit(client, retryBody)
            #expect(retry.status == .accepted)
            accepted.update { $0.append((try? acceptedEventId(retry)) ?? "") }
        }
        let events = try await intakeEvents(cluster.bootstrapServers, through: try #require(accepted.value.last))
        #expect(events.map(\.envelope.id) == accepted.value, "nothing refused was published")
    }

    @Test func aMunicipalityChangeIsPublishedAndOneToTheSameMunicipalityIsRefused() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let changeObject = setting("noticeId", to: "pi-test-move", in: noticeObject("MunicipalityChanged"))
        let change = try json(changeObject)
        let sameBody = try json(setting("previousMunicipality", to: "GM0363", in: changeObject))
        let eventId = Shared("")
        try await withIntake(bootstrap: cluster.bootstrapServers, now: { fixedNow }) { client in
            let same = try await submit(client, sameBody)
            #expect(same.status == .badRequest)
            let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: same.body))
            #expect(problem.errors?.map(\.field) == ["/previousMunicipality"])
            let response = try await submit(client, change)
            #expect(response.status == .accepted)
            eventId.value = try acceptedEventId(response)
        }
        let events = try await intakeEvents(cluster.bootstrapServers, through: eventId.value)
        #expect(events.count == 1)
        let published = try #require(events.first)
        #expect(published.envelope.type == .municipalityChanged)
        let moved = try published.decode(MunicipalityChanged.self)
        #expect(moved.municipality == "GM0363" && moved.previousMunicipality == "GM0599")
        #expect(try payloadsValidateAgainstTheirSchemas([(.municipalityChanged, "kafka", Data(published.record.value))]))
    }

    /// The remark is the one free text of a notice: whatever happens to the notice (accepted,
    /// repeated, refused as a conflict or as invalid), no log line carries it, nor the BSN.
    @Test func theRemarkAndThePersonNeverAppearInTheLog() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let recorder = LogRecorder()
        let lines = LogLines()
        let intakeLogger = lines.logger("nazorg.intake", recorder: recorder)
        let planObject = detailedPlan()
        let plan = try json(planObject)
        let tooLong = try json(setting("needs/0/remark", to: sentinelRemark + String(repeating: "x", count: 2000), in: planObject))
        let wrongDomain = try json(setting("needs/0/details", to: ["care": ["indicationPresent": true, "careTypes": ["addiction"]]],
                                           in: setting("noticeId", to: "pi-test-plan-2", in: planObject)))
        let conflicting = try json(setting("needs/1/status", to: "needed", in: planObject))
        try await withIntake(bootstrap: cluster.bootstrapServers, logger: intakeLogger, now: { fixedNow }) { client in
            for (body, status) in [(plan, HTTPResponse.Status.accepted), (plan, .accepted), (conflicting, .conflict),
                                   (tooLong, .badRequest), (wrongDomain, .badRequest)] {
                let response = try await submit(client, body)
                #expect(response.status == status)
            }
        }
        // The log was written to: one acceptance, one repeat, one conflict, two refusals.
        #expect(recorder.count("notice accepted") == 1)
        #expect(recorder.count("notice repeated: answered as before") == 1)
        #expect(recorder.count("notice refused: noticeId used for other content") == 1)
        #expect(recorder.count("notice rejected") == 2)
        let log = lines.all.joined()
        #expect(!log.isEmpty)
        for secret in ["Sentinel remark", "7f3a", "999990019", "Testpersoon", "own-tenancy", "passport"] {
            #expect(!log.contains(secret), "the log carries \(secret)")
        }
    }
}
