import AsyncHTTPClient
import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

private let logger = quietLogger("e2e.erasure")

/// Two synthetic people; every value of theirs is a sentinel the test hunts for.
private struct Person {
    var bsn: String
    var givenName: String
    var surname: String
    var birthDate: String
    var remark: String
    var sentinels: [String] { [bsn, givenName, surname, birthDate, remark] }

    func notice(_ type: String, _ noticeId: String, _ fields: String) -> String {
        """
        {"type":"\(type)","noticeId":"\(noticeId)","municipality":"GM0363","prisonCode":"PI-TEST",
         "person":{"bsn":"\(bsn)","givenName":"\(givenName)","surname":"\(surname)","birthDate":"\(birthDate)"},
         \(fields)}
        """
    }

    func plan(_ noticeId: String) -> String {
        notice("DetentionPlanShared", noticeId, """
            "detentionType":"sentence","expectedReleaseDate":"2027-06-01","consents":["housing"],
            "needs":[{"domain":"housing","status":"needed","details":{"housing":{"currentSituation":"no-fixed-abode"}},
                      "remark":"\(remark)"},
                     {"domain":"id","status":"needed"}]
            """)
    }
}

private func holds(_ bytes: [UInt8], _ text: String) -> Bool {
    let needle = Array(text.utf8)
    guard bytes.count >= needle.count else { return false }
    return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
}

/// Every SQLite file under `directory` (with its WAL), as bytes.
private func storeFiles(under directory: URL) throws -> [(name: String, bytes: [UInt8])] {
    let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?
        .compactMap { $0 as? URL }.filter { $0.lastPathComponent.contains(".sqlite") } ?? []
    return try files.map { ($0.path.replacingOccurrences(of: directory.path, with: ""), Array(try Data(contentsOf: $0))) }
}

@Suite("Erasure (art. 17): crypto-shredding on the topics, rows deleted in every store", .serialized)
struct ErasureTests {
    /// Two people through the whole chain with a shared subject key store; one is erased
    /// with `nazorg-hub erase`. Before: no topic holds a personal value of either in the
    /// clear, yet partners get them. After: partners were asked to delete, the erasure is on
    /// the disclosure log, no topic record of the erased person opens, no store file holds a
    /// value of theirs, the APIs do not know them, the other person's new notice still
    /// reaches the partner, and a planning replaying every topic from the start skips the
    /// erased person's records without an error.
    @Test func anErasedPersonLeavesNothingReadableAndTheOthersGoOn() async throws {
        var chain = try await ServiceChain("erasure", partners: [
            .init(id: "woon-erase", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"]),
            .init(id: "idbalie-erase", role: .civilAffairs, domains: [.id]),
        ], logger: logger)
        let keysFile = chain.work.appendingPathComponent("subject-keys.sqlite")
        let callers = chain.work.appendingPathComponent("consent-callers.yaml")
        try """
            callers:
              - {name: gm0363-coordinator, sha256: \(CallerTokens.hash("erasure-coordinator-token")), role: municipality-coordinator, scopes: [GM0363]}
            """.write(to: callers, atomically: true, encoding: .utf8)
        let erased = Person(bsn: "999990019", givenName: "Vergeetmij", surname: "Wisdatanu", birthDate: "1981-02-03",
                            remark: "Synthetische opmerking Wisdatanu")
        let kept = Person(bsn: "999990020", givenName: "Blijfbewaard", surname: "Houvast", birthDate: "1979-04-05",
                          remark: "Synthetische opmerking Houvast")
        let partnerTopics = [Topics.partnerTasks("woon-erase"), Topics.partnerTasks("idbalie-erase")]
        do {
            let partnersFile = chain.partnersFile
            try await chain.startServices { service in
                var arguments = service == "monitoring" ? [] : ["--subject-keys", keysFile.path]
                if service == "filter" {
                    arguments += ["--consent-grace", "1", "--consent-callers", callers.path, "--partners", partnersFile.path]
                }
                return ([:], arguments)
            }
            let inbox = chain.inbox
            for (person, prefix) in [(erased, "erase-a"), (kept, "erase-b")] {
                try await chain.submit(person.notice("DetentionStarted", "\(prefix)-start",
                                                     #""detentionType":"sentence","detentionStartDate":"2026-11-01","expectedReleaseDate":"2027-06-01""#))
                try await chain.submit(person.plan("\(prefix)-plan"))
            }
            try await waitUntil("both people's tasks reached both partners", timeout: .seconds(120)) {
                for partner in ["woon-erase", "idbalie-erase"] {
                    let offers = inbox.received(partner, .taskOffered)
                    guard offers.contains(where: { $0.body.contains(erased.surname) }),
                          offers.contains(where: { $0.body.contains(kept.surname) }) else { return false }
                }
                return true
            }
            // The partners read them; no topic carries them readable.
            let hubTopics = [Topics.intakeNotices, Topics.planningCaseEvents, Topics.consentEvents, Topics.filterDisclosures,
                             Topics.monitoringFeed, Topics.partnerStatus]
            for topic in hubTopics + partnerTopics {
                let records = try await readTopic(chain.bootstrap, topic, atLeast: 1)
                for record in records {
                    let clear = (erased.sentinels + kept.sentinels).filter { holds(record.value, $0) }
                    #expect(clear.isEmpty, "\(topic) carries \(clear.count) personal values in the clear")
                }
            }
            let erasedOffers = Dictionary(grouping: ["woon-erase", "idbalie-erase"].flatMap { partner in
                inbox.received(partner, .taskOffered).filter { $0.body.contains(erased.surname) }.map { (partner, $0) }
            }, by: \.0).mapValues { $0.compactMap { taskId(of: $0.1) } }

            // Erase the first person with the CLI, as a coordinator of their municipality.
            let answer = try runErase(bsn: erased.bsn, filter: chain.url("filter", ""), token: "erasure-coordinator-token")
            #expect(answer.status == 0, "erase exited \(answer.status): \(answer.output)")
            let receipt = try #require(try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any])
            #expect(receipt["sealedCopiesDestroyed"] as? Bool == true && receipt["erasureId"] is String)
            for sentinel in erased.sentinels { #expect(!answer.output.contains(sentinel)) }

            // Every partner that received a task about them is asked to delete it.
            try await waitUntil("the partners are asked to delete the erased person's tasks", timeout: .seconds(120)) {
                erasedOffers.allSatisfy { partner, tasks in
                    let retracted = Set(inbox.received(partner, .taskRetracted).compactMap { taskId(of: $0) })
                    return Set(tasks).isSubset(of: retracted)
                }
            }
            let log = try await chain.events(on: Topics.filterDisclosures) { events in
                events.contains { $0.envelope.type == .subjectErased }
            }
            let logged = try #require(log.first { $0.envelope.type == .subjectErased }).decode(SubjectErased.self)
            #expect(logged.recordedBy.name == "gm0363-coordinator" && logged.evidenceRef == "FORM-ERASE-TEST-1")
            #expect(logged.retractedTasks == erasedOffers.values.map(\.count).reduce(0, +))

            // The API knows them no more; the other person it does.
            let bearer = ["Authorization": "Bearer erasure-coordinator-token"]
            let (http, accessURL) = (chain.http, chain.url("filter", "/v1/subjects/\(erased.bsn)/disclosures"))
            try await waitUntil("the filter forgot the erased person", timeout: .seconds(60)) {
                try await get(http, accessURL, headers: bearer).status == 404
            }
            #expect(try await get(chain.http, chain.url("filter", "/v1/subjects/\(kept.bsn)/disclosures"), headers: bearer).status == 200)
            #expect(try await post(chain.http, chain.url("filter", "/v1/subjects/\(erased.bsn)/erasure"),
                                   #"{"evidenceRef":"FORM-ERASE-TEST-2"}"#, headers: bearer).status == 404)

            // Intake forgot their notices: the desk sending one again is told the person was erased.
            let intakeURL = chain.url("intake", "/v1/notices")
            let resent = erased.notice("DetentionStarted", "erase-a-start",
                                       #""detentionType":"sentence","detentionStartDate":"2026-11-01","expectedReleaseDate":"2027-06-01""#)
            try await waitUntil("intake refuses the erased person's old notice", timeout: .seconds(60)) {
                try await post(http, intakeURL, resent).status == 410
            }

            // The other person's life goes on: a later release date reaches the partners.
            try await chain.submit(kept.notice("ReleaseDateChanged", "erase-b-later", """
                "previousReleaseDate":"2027-06-01","expectedReleaseDate":"2027-07-01","reason":"court-decision"
                """))
            try await waitUntil("the kept person's change reached a partner", timeout: .seconds(120)) {
                !inbox.received("idbalie-erase", .taskUpdated).isEmpty
            }

            // No record of the erased person opens any more, on any topic; the other's do.
            let keys = try SubjectKeyStore(path: keysFile.path)
            var erasedCount = 0, openedKept = false
            for topic in [Topics.intakeNotices, Topics.planningCaseEvents] + partnerTopics {
                let events = try await readTopic(chain.bootstrap, topic, atLeast: 1).map(ReceivedEvent.init(record:))
                for outcome in try SubjectSealing.open(events, with: keys) {
                    switch outcome {
                    case .erased: erasedCount += 1
                    case .unreadable(_, let error): Issue.record("a record on \(topic) does not open: \(error)")
                    case .ready(let event):
                        let yielded = erased.sentinels.filter { holds(event.body, $0) }
                        #expect(yielded.isEmpty, "a \(event.envelope.type.rawValue) on \(topic) still yields the erased person")
                        if holds(event.body, kept.surname) { openedKept = true }
                    }
                }
            }
            #expect(erasedCount > 0 && openedKept, "the test found no sealed copy of either person")

            // A planning that reads every topic from the start skips the erased person's records.
            let replayed = try ServiceProcess("planning", arguments: [
                "planning", "--kafka", chain.bootstrap, "--port", "0", "--data-dir", chain.work.appendingPathComponent("replay").path,
                "--group-prefix", "erasure-replay", "--partners", chain.partnersFile.path, "--subject-keys", keysFile.path,
            ], environment: ["NAZORG_PSEUDONYM_KEY": "erasure-test-key-not-secret-0123456789abcdef",
                             "NAZORG_KAFKA_PROPERTIES": "session.timeout.ms=6000;heartbeat.interval.ms=500;fetch.wait.max.ms=50"])
            chain.services.append(replayed)
            let replayPort = try await replayed.httpPort()
            try await waitUntil("the replaying planning skipped the erased person's notices", timeout: .seconds(120)) {
                let metrics = try await get(http, "http://127.0.0.1:\(replayPort)/metrics").body
                return metrics.split(separator: "\n").contains { $0.hasPrefix("nazorg_records_erased{") && $0.contains("intake.notices") }
            }
            let replayMetrics = try await get(chain.http, "http://127.0.0.1:\(replayPort)/metrics").body
            #expect(!replayMetrics.contains("nazorg_records_deadlettered{"), "a replayed record was dead-lettered")

            // Stopped, every store file is checked byte by byte.
            await chain.stopServices()
            let files = try storeFiles(under: chain.work)
            #expect(files.contains { $0.name.contains("planning.sqlite") })
            for file in files {
                let held = erased.sentinels.filter { holds(file.bytes, $0) }
                #expect(held.isEmpty, "\(file.name) still holds \(held.count) values of the erased person")
            }
            #expect(files.contains { holds($0.bytes, kept.surname) }, "the scan found nothing of the kept person either")
            // Not even the hub's pseudonym of the erased person is left in a store (the key store keeps none either).
            let pseudonyms = try SubjectPseudonymizer(secret: Array("erasure-test-key-not-secret-0123456789abcdef".utf8))
            let erasedPseudonym = pseudonyms.pseudonym(forBSN: erased.bsn)
            for file in files where !file.name.contains("monitoring") {
                #expect(!holds(file.bytes, erasedPseudonym), "\(file.name) still holds the erased person's pseudonym")
            }
            #expect(files.contains { holds($0.bytes, pseudonyms.pseudonym(forBSN: kept.bsn)) })
            for service in chain.services {
                let leaked = service.lines.filter { line in (erased.sentinels + kept.sentinels).contains { line.contains($0) } }
                #expect(leaked.isEmpty, "\(service.name) logged personal data")
            }
        } catch {
            chain.dump()
            await chain.stop()
            throw error
        }
        await chain.stop()
    }
}

private func taskId(of delivery: Inbox.Delivery) -> String? {
    ((try? JSONSerialization.jsonObject(with: Data(delivery.body.utf8))) as? [String: Any])?["taskId"] as? String
}

/// Runs `nazorg-hub erase --bsn-stdin` against the filter and returns its exit status and output.
private func runErase(bsn: String, filter: String, token: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try hubBinary())
    process.arguments = ["erase", "--bsn-stdin", "--evidence", "FORM-ERASE-TEST-1", "--filter", filter]
    process.environment = ProcessInfo.processInfo.environment.merging(["NAZORG_API_TOKEN": token]) { _, new in new }
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(Data((bsn + "\n").utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}
