import AsyncHTTPClient
import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

private let logger = quietLogger("e2e.lifecycle")

/// A notice body for intake: the common fields of a synthetic person, plus `fields`.
private func notice(_ type: String, _ noticeId: String, bsn: String, surname: String, _ fields: String) -> String {
    """
    {"type":"\(type)","noticeId":"\(noticeId)","municipality":"GM0363","prisonCode":"PI-TEST",
     "person":{"bsn":"\(bsn)","givenName":"Sentinella","surname":"\(surname)","birthDate":"1987-06-05"},
     \(fields)}
    """
}

extension Inbox {
    /// What `partner` received of `type`, in order of arrival.
    func received(_ partner: String, _ type: EventType) -> [Delivery] {
        all.filter { $0.partner == partner && $0.headers["ce-type"] == type.ceType }
    }
}

@Suite("A detention's whole course, every service its own process", .serialized)
struct LifecycleTests {
    /// Remand: no dates, then the person is released from court without notice. The
    /// coordinator gets an escalation and a first-contact task at once, and partners holding
    /// a task learn it became urgent. Meanwhile another person's detention turns out to be
    /// the wrong person: every partner that received data gets a data-free retraction, and
    /// the coordinator a breach record of who received what.
    @Test func remandLiftedInCourtAndAWrongPersonReachThePartnersAsUpdatesAndRetractions() async throws {
        var chain = try await ServiceChain("lifecycle", partners: [
            .init(id: "woon-life", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"]),
            .init(id: "idbalie-life", role: .civilAffairs, domains: [.id]),
            .init(id: "regie-life", role: .municipalityCoordinator, domains: [.network]),
        ], logger: logger)
        do {
            try await chain.startServices { service in (["LOG_LEVEL": "info"], service == "filter" ? ["--consent-grace", "1"] : []) }
            let inbox = chain.inbox

            // Remand: no release date anywhere.
            let remand = (bsn: "999990019", surname: "Voorarrest")
            try await chain.submit(notice("DetentionStarted", "life-remand-start", bsn: remand.bsn, surname: remand.surname,
                                          #""detentionType":"remand","detentionStartDate":"2026-11-01""#))
            try await chain.submit(notice("DetentionPlanShared", "life-remand-plan", bsn: remand.bsn, surname: remand.surname, """
                "detentionType":"remand","consents":["housing"],
                "needs":[{"domain":"housing","status":"needed","details":{"housing":{"currentSituation":"no-fixed-abode"}}},
                         {"domain":"id","status":"needed"},{"domain":"care","status":"unknown"},{"domain":"debts","status":"not-applicable"}]
                """))
            try await waitUntil("the remand tasks reached their partners", timeout: .seconds(120)) {
                !inbox.received("woon-life", .taskOffered).isEmpty && !inbox.received("idbalie-life", .taskOffered).isEmpty
                    && !inbox.received("regie-life", .taskOffered).isEmpty
            }
            let screen = try #require(inbox.received("regie-life", .taskOffered).first)
            #expect(screen.body.contains("\"screen\"") && screen.body.contains("\"care\""))

            // Released from court, unannounced.
            try await chain.submit(notice("Released", "life-remand-released", bsn: remand.bsn, surname: remand.surname,
                                          #""releasedAt":"\#(ContractCoding.timestamp(Date()))","releaseType":"released-from-court","unannounced":true"#))
            try await waitUntil("partners learn the tasks are urgent, the coordinator gets first contact", timeout: .seconds(120)) {
                !inbox.received("woon-life", .taskUpdated).isEmpty && !inbox.received("idbalie-life", .taskUpdated).isEmpty
                    && inbox.received("regie-life", .taskOffered).contains { $0.body.contains("first-contact") }
            }
            for update in inbox.received("woon-life", .taskUpdated) + inbox.received("idbalie-life", .taskUpdated) {
                let body = try JSONSerialization.jsonObject(with: Data(update.body.utf8)) as? [String: Any]
                #expect(body?["urgent"] as? Bool == true)
                #expect(body?["reason"] as? String == "released")
            }
            let caseEvents = try await chain.events(on: Topics.planningCaseEvents) { events in
                let types = events.map(\.envelope.type)
                return types.contains(.releaseDayRecorded) && types.contains(.escalationRaised)
            }
            let escalations = try caseEvents.filter { $0.envelope.type == .escalationRaised }.map { try $0.decode(EscalationRaised.self) }
            #expect(escalations.contains { $0.reason == .unannouncedRelease })
            let releaseDay = try #require(caseEvents.first { $0.envelope.type == .releaseDayRecorded })
            let coverage = try releaseDay.decode(ReleaseDayRecorded.self)
            #expect(coverage.unannounced && coverage.releaseType == .releasedFromCourt)
            #expect(coverage.coverage.first { $0.domain == .debts }?.state == .notApplicable)
            #expect(coverage.coverage.first { $0.domain == .housing }?.state == .open)

            // The wrong person: a detention and plan, then the start withdrawn.
            let wrong = (bsn: "999990020", surname: "Verkeerdepersoon")
            try await chain.submit(notice("DetentionStarted", "life-wrong-start", bsn: wrong.bsn, surname: wrong.surname,
                                          #""detentionType":"sentence","detentionStartDate":"2026-11-01","expectedReleaseDate":"2027-06-01""#))
            try await chain.submit(notice("DetentionPlanShared", "life-wrong-plan", bsn: wrong.bsn, surname: wrong.surname, """
                "detentionType":"sentence","expectedReleaseDate":"2027-06-01","consents":["housing"],
                "needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"needed"}]
                """))
            try await waitUntil("the wrong person's tasks reached their partners", timeout: .seconds(120)) {
                inbox.received("woon-life", .taskOffered).contains { $0.body.contains(wrong.surname) }
                    && inbox.received("idbalie-life", .taskOffered).contains { $0.body.contains(wrong.bsn) }
            }
            try await chain.submit(notice("NoticeWithdrawn", "life-wrong-withdrawn", bsn: wrong.bsn, surname: wrong.surname,
                                          #""withdrawnNoticeId":"life-wrong-start","reason":"wrong-person""#))
            try await waitUntil("both partners are asked to delete", timeout: .seconds(120)) {
                !inbox.received("woon-life", .taskRetracted).isEmpty && !inbox.received("idbalie-life", .taskRetracted).isEmpty
            }
            for retraction in inbox.received("woon-life", .taskRetracted) + inbox.received("idbalie-life", .taskRetracted) {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(retraction.body.utf8)) as? [String: Any])
                #expect(Set(body.keys) == ["retractionId", "taskId", "partnerId", "deletionRequested", "processingActivityId"])
                for sentinel in [wrong.bsn, wrong.surname, "Sentinella", "1987-06-05", "GM0363", "PI-TEST", "2027-06-01"] {
                    #expect(!retraction.body.contains(sentinel))
                }
                #expect(retraction.idempotencyKey == body["retractionId"] as? String)
            }
            // Retractions name the tasks the partners were offered, and come after the offers.
            for partner in ["woon-life", "idbalie-life"] {
                let deliveries = inbox.all.filter { $0.partner == partner }
                let offered = deliveries.firstIndex { $0.body.contains(wrong.surname) || $0.body.contains(wrong.bsn) }
                let retracted = deliveries.firstIndex { $0.headers["ce-type"] == EventType.taskRetracted.ceType }
                #expect(offered != nil && retracted != nil && offered! < retracted!)
            }
            // The coordinator's breach record lists both disclosures.
            let disclosures = try await chain.events(on: Topics.filterDisclosures) { events in
                events.contains { $0.envelope.type == .breachRecorded }
            }
            let breach = try #require(disclosures.first { $0.envelope.type == .breachRecorded }).decode(BreachRecorded.self)
            #expect(Set(breach.disclosures.map(\.receiverId)) == ["woon-life", "idbalie-life"])
            #expect(breach.disclosures.allSatisfy { $0.retracted })
            #expect(breach.reportBefore.timeIntervalSince(breach.detectedAt) == 72 * 3600)

            try await expectEveryEventMatchesItsSchema(chain)
            await chain.stopServices()
            for service in chain.services {
                let sentinels = [remand.bsn, wrong.bsn, remand.surname, wrong.surname, "Sentinella"]
                let leaked = service.lines.filter { line in sentinels.contains { line.contains($0) } }
                #expect(leaked.isEmpty, "\(service.name) logged personal data")
            }
        } catch {
            chain.dump()
            await chain.stop()
            throw error
        }
        await chain.stop()
    }

    /// Every record on every topic validates against its JSON Schema, and the new kinds of
    /// record are among them.
    private func expectEveryEventMatchesItsSchema(_ chain: ServiceChain) async throws {
        let directory = chain.work.appendingPathComponent("events")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var types = Set<EventType>()
        for topic in Topics.all.filter({ $0 != Topics.deadLetter })
            + ["woon-life", "idbalie-life", "regie-life"].map(Topics.partnerTasks) {
            for (index, record) in try await drainTopic(chain.bootstrap, topic).enumerated() {
                let event = try ReceivedEvent(record: record)
                types.insert(event.envelope.type)
                try Data(event.record.value).write(to: directory.appendingPathComponent("\(event.envelope.type.rawValue)-\(topic)-\(index).json"))
            }
        }
        #expect(types.isSuperset(of: [.released, .noticeWithdrawn, .taskRevised, .taskWithdrawn, .releaseDayRecorded,
                                      .breachRecorded, .taskUpdated, .taskRetracted, .escalationRaised]))
        #expect(try schemaValidationStatus(of: directory) == 0)
    }
}
