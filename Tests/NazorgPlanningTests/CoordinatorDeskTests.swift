import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let coordinator = DeskFixtures.amsterdam

/// A disclosure-log record of what `receiver` got about the fake person.
private func logged(_ id: String, to receiver: String, role: PartnerRole, _ type: EventType, source: String,
                    at moment: String) -> DisclosureLogged {
    DisclosureLogged(disclosureId: id, traceId: String(repeating: "ab", count: 16), processingActivityId: "pa-test",
                     legalBasis: .publicTask, subjectId: Fixtures.subject, receiverId: receiver, receiverRole: role,
                     sourceEventId: source, sourceEventType: .taskAssigned, disclosedEventType: type,
                     disclosedFields: ["task.domain"], disclosedAt: at(moment))
}

@Suite("Planning: coordinator desk")
struct CoordinatorDeskTests {
    @Test func theTimelineSummarisesWhatEachPartnerReceivedPerCaseAndSkipsOtherLogRecords() async throws {
        let clock = TestClock(at("2027-01-04T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        let pi = PIDesk()
        try await rig.deliver(pi.plan("d-plan", expected: "2027-06-15", [need(.housing, .needed), need(.id, .needed)]))
        let first = try await rig.currentCase()
        let housingAssigned = try #require(rig.published.first { $0.type == .taskAssigned && $0.payload.contains("woon-ams") })
        let topic = Topics.filterDisclosures
        try await rig.deliver(logged("d1", to: "woon-ams", role: .housingCorporation, .taskOffered, source: housingAssigned.eventId,
                                     at: "2027-01-04T09:01:00Z"), topic: topic, id: "log-1")
        try await rig.deliver(logged("d2", to: "id-ams", role: .civilAffairs, .taskOffered, source: "evt-elsewhere",
                                     at: "2027-01-04T09:02:00Z"), topic: topic, id: "log-2")
        try await rig.deliver(logged("d3", to: "woon-ams", role: .housingCorporation, .taskUpdated, source: "evt-revision",
                                     at: "2027-02-01T09:00:00Z"), topic: topic, id: "log-3")
        // A refusal reached no partner: it is on the log, not among what partners received.
        var refused = logged("d-refused", to: "id-ams", role: .civilAffairs, .taskUpdated, source: "evt-transfer",
                             at: "2027-02-02T09:00:00Z")
        (refused.status, refused.refusalReason, refused.disclosedFields) = (.refused, .fieldNotAllowed, [])
        try await rig.deliver(refused, topic: topic, id: "log-refused")
        // The same disclosure again under another event id, and the log's other records.
        try await rig.deliver(logged("d1", to: "woon-ams", role: .housingCorporation, .taskOffered, source: housingAssigned.eventId,
                                     at: "2027-01-04T09:01:00Z"), topic: topic, id: "log-1-again")
        try await rig.deliver(BreachRecorded(breachId: "b1", caseId: first.caseId, subjectId: Fixtures.subject, escalationId: "e",
                                             detectedAt: clock.now, reportBefore: clock.now, disclosures: []),
                              topic: topic, id: "log-breach")
        try await rig.deliver(CaseViewed(viewId: "v1", traceId: String(repeating: "cd", count: 16), processingActivityId: "pa-view",
                                         legalBasis: .publicTask, subjectId: Fixtures.subject, caseId: first.caseId,
                                         viewerId: "coordinator-ams", viewerRole: .municipalityCoordinator, route: "/v1/cases/{caseId}",
                                         disclosedFields: ["person.bsn"], viewedAt: clock.now), topic: topic, id: "log-view")
        #expect(rig.refusals.isEmpty, "nothing on the log is dead-lettered")

        var timeline = try await rig.desk.timeline(caseId: first.caseId, actor: coordinator)
        #expect(timeline.disclosures == [
            DisclosureSummary(partnerId: "woon-ams", partnerRole: .housingCorporation, count: 2,
                              eventTypes: [.taskOffered, .taskUpdated],
                              firstAt: at("2027-01-04T09:01:00Z"), lastAt: at("2027-02-01T09:00:00Z")),
            DisclosureSummary(partnerId: "id-ams", partnerRole: .civilAffairs, count: 1, eventTypes: [.taskOffered],
                              firstAt: at("2027-01-04T09:02:00Z"), lastAt: at("2027-01-04T09:02:00Z")),
        ])

        // A new detention: the old case's cancellations, logged after the new case opened,
        // stay with the old case; what comes unlinked after it belongs to the new one.
        clock.set(at("2027-06-15T08:30:00Z"))
        try await rig.deliver(pi.released("d-rel", "2027-06-15T08:30:00Z"))
        clock.set(at("2027-09-01T09:00:00Z"))
        try await rig.deliver(pi.started("d-again", start: "2027-08-30"))
        let second = try await rig.currentCase()
        #expect(second.caseId != first.caseId)
        let cancelled = try #require(rig.published.last { $0.type == .taskWithdrawn && $0.payload.contains("woon-ams") })
        try await rig.deliver(logged("d4", to: "woon-ams", role: .housingCorporation, .taskCancelled, source: cancelled.eventId,
                                     at: "2027-09-01T09:00:05Z"), topic: topic, id: "log-4")
        try await rig.deliver(logged("d5", to: "zorg-nl", role: .careProvider, .taskOffered, source: "evt-new",
                                     at: "2027-09-02T09:00:00Z"), topic: topic, id: "log-5")
        timeline = try await rig.desk.timeline(caseId: first.caseId, actor: coordinator)
        #expect(timeline.disclosures.map(\.partnerId) == ["woon-ams", "id-ams"])
        #expect(timeline.disclosures.first?.count == 3)
        #expect(timeline.disclosures.first?.eventTypes == [.taskCancelled, .taskOffered, .taskUpdated])
        let next = try await rig.desk.timeline(caseId: second.caseId, actor: coordinator)
        #expect(next.disclosures.map(\.partnerId) == ["zorg-nl"])
        await rig.close()
    }

    @Test func closureResolvesEscalationsButAPossibleBreachWaitsForTheCoordinator() async throws {
        let clock = TestClock(at("2027-01-04T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        let pi = PIDesk()
        try await rig.deliver(pi.plan("w-plan", expected: "2027-06-15", [need(.housing, .needed), need(.id, .needed)]))
        try await rig.report(.rejected) { $0.domain == .housing }
        try await rig.report(.rejected) { $0.domain == .id }
        let rejected = try await rig.desk.escalations(EscalationQuery(), actor: coordinator)
        #expect(rejected.count == 2)
        _ = try await rig.command {
            try await $0.acknowledge(escalationId: rejected[0].escalation.escalationId, note: nil, actor: coordinator, requestId: "w1")
        }
        clock.set(at("2027-01-05T09:00:00Z"))
        try await rig.deliver(pi.withdrawn("w-wrong", notice: "w-plan", reason: .wrongPerson))

        let inbox = try await rig.desk.escalations(EscalationQuery(), actor: coordinator)
        #expect(inbox.map(\.escalation.reason) == [.possibleDataBreach] && inbox[0].urgencyRank == 0)
        #expect(inbox[0].escalation.dueAt == at("2027-01-08T09:00:00Z") && inbox[0].person == Fixtures.person)
        let resolved = try await rig.desk.escalations(EscalationQuery(status: .resolved), actor: coordinator)
        #expect(Set(resolved.map(\.escalation.escalationId)) == Set(rejected.map(\.escalation.escalationId)))
        #expect(resolved.allSatisfy { $0.resolvedBy == "planning" && $0.resolvedAt == clock.now })
        #expect(resolved.contains { $0.acknowledgedBy == "coordinator-ams" }, "the acknowledgement stays on record")

        // The coordinator judges the breach on the closed case.
        let record = try await rig.currentCase()
        #expect(!record.isOpen)
        let judged = try await rig.command {
            try await $0.resolve(escalationId: inbox[0].escalation.escalationId, note: "Geen melding nodig: alleen taakcode.",
                                 actor: coordinator, requestId: "w2")
        }
        #expect(judged.status == .resolved && judged.resolvedBy == "coordinator-ams")
        #expect(try await rig.desk.escalations(EscalationQuery(), actor: coordinator).isEmpty)
        let summary = try #require(try await rig.desk.cases(CaseQuery(), actor: coordinator).first)
        #expect(summary.openEscalations == 0 && summary.status == .closed && summary.closeReason == .withdrawn)
        await rig.close()
    }

    @Test func theCaseListFiltersInTheStoreAndPutsTheMostPressingFirst() async throws {
        let clock = TestClock(at("2027-01-04T09:00:00Z"))
        let rig = try PlanningRig(deskClock: clock)
        let soon = PIDesk()
        let later = PIDesk(subject: String(repeating: "b1", count: 16))
        let rotterdam = PIDesk(subject: String(repeating: "c2", count: 16), municipality: "GM0599")
        let gone = PIDesk(subject: String(repeating: "d3", count: 16))
        try await rig.deliver(soon.plan("q-a", expected: "2027-03-01", [need(.housing, .needed), need(.id, .arranged)]))
        try await rig.deliver(later.plan("q-b", expected: "2027-09-01", [need(.income, .needed)]))
        try await rig.deliver(rotterdam.plan("q-c", expected: "2027-04-01", [need(.housing, .needed)]))
        try await rig.deliver(gone.plan("q-d", expected: "2027-02-10", [need(.housing, .needed)]))
        try await rig.report(.rejected) { $0.domain == .housing }
        let everywhere = CoordinatorActor(name: "admin", scope: .everywhere)
        let all = try await rig.desk.cases(CaseQuery(), actor: everywhere)
        let ids = Dictionary(uniqueKeysWithValues: all.map { ($0.subjectId, $0.caseId) })
        let closing = try #require(ids[gone.subject])
        _ = try await rig.command {
            try await $0.close(caseId: closing, reason: .deceased, note: nil, actor: coordinator, requestId: "q1")
        }
        clock.set(at("2027-02-01T09:00:00Z"))
        func subjects(_ query: CaseQuery, _ actor: CoordinatorActor = coordinator) async throws -> [String] {
            try await rig.desk.cases(query, actor: actor).map(\.subjectId)
        }
        #expect(try await subjects(CaseQuery(), everywhere) == [soon.subject, rotterdam.subject, later.subject, gone.subject])
        #expect(try await subjects(CaseQuery()) == [soon.subject, later.subject, gone.subject])
        #expect(try await subjects(CaseQuery(municipality: "GM0599"), everywhere) == [rotterdam.subject])
        #expect(try await subjects(CaseQuery(status: .closed)) == [gone.subject])
        #expect(try await subjects(CaseQuery(domain: .housing)) == [soon.subject, gone.subject])
        #expect(try await subjects(CaseQuery(status: .open, domain: .housing)) == [soon.subject])
        #expect(try await subjects(CaseQuery(domain: .income)) == [later.subject])
        #expect(try await subjects(CaseQuery(domain: .housing, limit: 1, offset: 1)) == [gone.subject])
        #expect(try await subjects(CaseQuery(hasOpenEscalations: true)) == [soon.subject])
        #expect(try await subjects(CaseQuery(hasOpenEscalations: false)) == [later.subject, gone.subject])
        #expect(try await subjects(CaseQuery(releaseWithinDays: 28)) == [soon.subject, gone.subject])
        #expect(try await subjects(CaseQuery(releaseWithinDays: 27)) == [gone.subject], "a date already past counts")
        #expect(try await subjects(CaseQuery(limit: 2, offset: 1)) == [later.subject, gone.subject])

        let first = try #require(try await rig.desk.cases(CaseQuery(), actor: coordinator).first)
        #expect(first.openDomains == [.housing] && first.openTasks == 1 && first.openEscalations == 1)
        #expect(first.expectedReleaseDate == day("2027-03-01") && first.person == Fixtures.person && first.prisonCode == "PI-TEST")
        let closed = try #require(try await rig.desk.cases(CaseQuery(status: .closed), actor: coordinator).first)
        #expect(closed.coordinatorCloseReason == .deceased && closed.openTasks == 0 && closed.closedAt == at("2027-01-04T09:00:00Z"))
        await rig.close()
    }
}

extension Data {
    /// Whether the JSON body holds `text` (a partner id, in a test).
    func contains(_ text: String) -> Bool { String(decoding: self, as: UTF8.self).contains(text) }
}
