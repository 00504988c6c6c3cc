import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

private let desk = PIDesk()
private let coordinator = DeskFixtures.amsterdam

private func isDeliver(_ domain: Domain) -> (TaskRecord) -> Bool { { $0.taskType == .deliver && $0.domain == domain } }

/// A case in Amsterdam with housing and ID needed and housing's partner having rejected.
private func rejectedHousing() async throws -> PlanningRig {
    let clock = TestClock(at("2027-01-04T09:00:00Z"))
    let rig = try PlanningRig(deskClock: clock)
    try await rig.deliver(desk.started("c-start", start: "2027-01-02", expected: "2027-06-15"))
    clock.set(at("2027-01-07T09:00:00Z"))
    try await rig.deliver(desk.plan("c-plan", expected: "2027-06-15", [
        need(.housing, .needed, details: NeedDetails(housing: HousingDetails(currentSituation: .noFixedAbode)),
             remark: "Synthetische opmerking."),
        need(.id, .needed), need(.network, .unknown),
    ]))
    clock.set(at("2027-01-20T09:00:00Z"))
    try await rig.report(.rejected, on: isDeliver(.housing))
    return rig
}

/// Runs `body` on a fresh rig with housing rejected, and closes the rig however it ends.
private func onRejectedHousing(_ body: (PlanningRig) async throws -> Void) async throws {
    let rig = try await rejectedHousing()
    do {
        try await body(rig)
    } catch {
        await rig.close()
        throw error
    }
    await rig.close()
}

private func expectError(_ code: CoordinatorError.Code, _ run: () async throws -> Void,
                         sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        try await run()
        Issue.record("expected \(code.rawValue), the command succeeded", sourceLocation: sourceLocation)
    } catch let error as CoordinatorError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The commands as the tests call them: as the Amsterdam coordinator, draining what they publish.
private extension PlanningRig {
    func acknowledge(_ id: String, note: String? = nil, request: String) async throws -> EscalationView {
        try await command { try await $0.acknowledge(escalationId: id, note: note, actor: coordinator, requestId: request) }
    }

    func resolve(_ id: String, note: String, request: String) async throws -> EscalationView {
        try await command { try await $0.resolve(escalationId: id, note: note, actor: coordinator, requestId: request) }
    }

    func reassign(_ taskId: String, to partner: String, reason: String = "Reden.", request: String) async throws -> TaskRecord {
        try await command {
            try await $0.reassign(taskId: taskId, toPartnerId: partner, reason: reason, actor: coordinator, requestId: request)
        }
    }

    func note(_ caseId: UUID, _ text: String, request: String) async throws -> CaseNote {
        try await command { try await $0.addNote(caseId: caseId, text: text, actor: coordinator, requestId: request) }
    }

    func close(_ caseId: UUID, _ reason: CaseClosed.CoordinatorReason, note: String? = nil,
               request: String) async throws -> CaseSummary {
        try await command { try await $0.close(caseId: caseId, reason: reason, note: note, actor: coordinator, requestId: request) }
    }
}

@Suite("Planning: coordinator commands")
struct CoordinatorCommandTests {
    @Test func acknowledgingAndResolvingMoveTheEscalationOnceAndPublishNoNote() async throws {
        try await onRejectedHousing { rig in
            let inbox = try await rig.desk.escalations(EscalationQuery(), actor: coordinator)
            let rejected = try #require(inbox.first { $0.escalation.reason == .taskRejected })
            #expect(rejected.status == .open && rejected.person == Fixtures.person && rejected.urgencyRank == 7)
            let id = rejected.escalation.escalationId

            rig.clock.set(at("2027-01-20T10:00:00Z"))
            let acknowledged = try await rig.acknowledge(id, note: "Bel de corporatie.", request: "r1")
            #expect(acknowledged.status == .acknowledged && acknowledged.acknowledgedBy == "coordinator-ams")
            #expect(acknowledged.acknowledgedAt == at("2027-01-20T10:00:00Z") && acknowledged.note == "Bel de corporatie.")
            let again = try await rig.acknowledge(id, request: "r1")
            #expect(again == acknowledged, "the same request repeated changes nothing")
            await expectError(.conflict) { _ = try await rig.acknowledge(id, request: "r2") }

            for bad in ["", "   \n", "Bel\u{7}", String(repeating: "x", count: 4_001)] {
                await expectError(.invalid) { _ = try await rig.resolve(id, note: bad, request: "bad") }
            }
            rig.clock.set(at("2027-01-21T10:00:00Z"))
            let note = "Andere corporatie gevraagd.\r\nZie notitie."
            let resolved = try await rig.resolve(id, note: note, request: "r3")
            #expect(resolved.status == .resolved && resolved.resolvedBy == "coordinator-ams" && resolved.note == note)
            #expect(resolved.acknowledgedBy == "coordinator-ams", "the acknowledgement stays on record")
            #expect(try await rig.resolve(id, note: note, request: "r3") == resolved)
            await expectError(.conflict) { _ = try await rig.resolve(id, note: "Nog eens.", request: "r4") }
            await expectError(.notFound) { _ = try await rig.resolve("no-such", note: "x", request: "r5") }

            let updates = try rig.events(EscalationUpdated.self)
            #expect(updates.map(\.status) == [.acknowledged, .resolved])
            #expect(updates.allSatisfy { $0.escalationId == id && $0.updatedBy == "coordinator-ams" && $0.municipality == "GM0363" })
            let bodies = rig.published.map { String(decoding: $0.payload, as: UTF8.self) }
            #expect(!bodies.contains { $0.contains("Bel de corporatie") || $0.contains("Andere corporatie") }, "notes stay in planning")
            let open = try await rig.desk.escalations(EscalationQuery(), actor: coordinator)
            #expect(open.allSatisfy { $0.escalation.escalationId != id })
            let done = try await rig.desk.escalations(EscalationQuery(status: .resolved), actor: coordinator)
            #expect(done.map(\.escalation.escalationId) == [id])

            let timeline = try await rig.desk.timeline(caseId: try await rig.currentCase().caseId, actor: coordinator)
            #expect(timeline.notes.map(\.text) == ["Bel de corporatie.", note])
            let lines = timeline.entries.filter { $0.escalationId == id }.map { "\($0.kind.rawValue):\($0.code)" }
            #expect(lines == ["escalation-raised:task-rejected", "note:acknowledged", "escalation-updated:acknowledged",
                              "note:resolved", "escalation-updated:resolved"])
        }
    }

    @Test func reassigningGivesTheNeedANewTaskWithTheSameDeadlineAndWithdrawsTheOld() async throws {
        try await onRejectedHousing { rig in
            let caseId = try await rig.currentCase().caseId
            let old = try #require(try await rig.store.tasks(caseId: caseId).first(where: isDeliver(.housing)))
            rig.clock.set(at("2027-01-22T09:00:00Z"))
            let reason = "Woon heeft geen plek; opvang vraagt."
            let next = try await rig.reassign(old.taskId, to: "woon2-ams", reason: reason, request: "r1")
            #expect(next.taskId != old.taskId && next.partnerId == "woon2-ams" && next.partnerRole == .housingCorporation)
            #expect(next.reassignedFromTaskId == old.taskId && next.status == TaskRecord.assigned && next.assignedAt == rig.clock.now)
            #expect(next.deadline == old.deadline && next.dueAt == old.dueAt && next.urgent == old.urgent)
            #expect(next.plannedOn == old.plannedOn)
            #expect(next.details == old.details && next.remark == old.remark && next.domain == .housing && next.taskType == .deliver)
            let repeated = try await rig.reassign(old.taskId, to: "woon2-ams", reason: reason, request: "r1")
            #expect(repeated == next)

            let tasks = try await rig.store.tasks(caseId: caseId)
            #expect(tasks.first { $0.taskId == old.taskId }?.isWithdrawn == true)
            let withdrawn = try rig.events(TaskWithdrawn.self)
            #expect(withdrawn.map(\.reason) == [.reassigned] && withdrawn.first?.partnerId == "woon-ams")
            let assigned = try #require(try rig.events(TaskAssigned.self).last)
            #expect(assigned.taskId == next.taskId && assigned.reassignedFromTaskId == old.taskId && assigned.partnerId == "woon2-ams")
            #expect(assigned.remark == "Synthetische opmerking." && assigned.deadline == old.deadline)
            #expect(try rig.events(TaskAssigned.self).filter { $0.taskId == next.taskId }.count == 1, "the repeat published nothing")
            #expect(!rig.published.contains { String(decoding: $0.payload, as: UTF8.self).contains("opvang vraagt") })
            #expect(try rig.events(EscalationRaised.self).allSatisfy { $0.reason != .hotPotato }, "one rejection and one hand-off")

            let timeline = try await rig.desk.timeline(caseId: caseId, actor: coordinator)
            #expect(timeline.notes.map(\.text) == [reason])
            let reassignment = try #require(timeline.entries.first { $0.kind == .note })
            #expect(reassignment.code == "reassignment" && reassignment.taskId == old.taskId && reassignment.by == "coordinator-ams")
            #expect(timeline.entries.contains { $0.kind == .taskWithdrawn && $0.code == "reassigned" && $0.by == "coordinator-ams" })
        }
    }

    @Test func aReassignmentThatDoesNotFitIsRefusedWithItsCode() async throws {
        try await onRejectedHousing { rig in
            let caseId = try await rig.currentCase().caseId
            let tasks = try await rig.store.tasks(caseId: caseId)
            let housing = try #require(tasks.first(where: isDeliver(.housing)))
            let screen = try #require(tasks.first { $0.taskType == .screen })
            let before = rig.published.count
            await expectError(.notFound) { _ = try await rig.reassign("no-such-task", to: "woon2-ams", request: "e1") }
            await expectError(.invalid) { _ = try await rig.reassign(housing.taskId, to: "woon2-ams", reason: " ", request: "e2") }
            await expectError(.invalid) { _ = try await rig.reassign(housing.taskId, to: "nobody-ams", request: "e3") }
            await expectError(.invalid) { _ = try await rig.reassign(housing.taskId, to: "woon-ams", request: "e4") }
            await expectError(.invalid) { _ = try await rig.reassign(housing.taskId, to: "id-ams", request: "e5") }
            await expectError(.invalid) { _ = try await rig.reassign(housing.taskId, to: "woon-rdam", request: "e6") }
            await expectError(.invalid) { _ = try await rig.reassign(screen.taskId, to: "woon2-ams", request: "e7") }
            try await rig.drain()
            #expect(rig.published.count == before, "a refused command changes nothing")

            // A screening goes to another coordinator serving the municipality.
            let screening = try await rig.reassign(screen.taskId, to: "rcn-ams", reason: "RCN neemt over.", request: "ok")
            #expect(screening.partnerId == "rcn-ams" && screening.taskType == .screen)
            await expectError(.conflict) { _ = try await rig.reassign(screen.taskId, to: "regie-ams", request: "e8") }
            try await rig.report(.completed, on: isDeliver(.id))
            let id = try #require(tasks.first(where: isDeliver(.id)))
            await expectError(.conflict) { _ = try await rig.reassign(id.taskId, to: "woon2-ams", request: "e9") }
        }
    }

    @Test func notesAreKeptWithinLimitsAndNeverPublished() async throws {
        try await onRejectedHousing { rig in
            let caseId = try await rig.currentCase().caseId
            let before = rig.published.count
            let text = "Eerste regel.\nTweede regel."
            let note = try await rig.note(caseId, text, request: "n1")
            #expect(note.text == text && note.author == "coordinator-ams" && note.caseId == caseId && note.at == rig.clock.now)
            #expect(try await rig.note(caseId, text, request: "n1") == note)
            let longest = String(repeating: "é", count: 4_000)
            rig.clock.set(rig.clock.now.addingTimeInterval(60))
            _ = try await rig.note(caseId, longest, request: "n2")
            for (bad, request) in [("", "b1"), (longest + "x", "b2"), ("tab\there", "b3"), ("nul\u{0}", "b4"), ("esc\u{1B}[0m", "b5")] {
                await expectError(.invalid) { _ = try await rig.note(caseId, bad, request: request) }
            }
            await expectError(.notFound) { _ = try await rig.note(UUID(), "x", request: "b6") }
            #expect(rig.published.count == before, "a note publishes nothing")
            let timeline = try await rig.desk.timeline(caseId: caseId, actor: coordinator)
            #expect(timeline.notes.map(\.text) == [text, longest] && timeline.notes.first == note)
            #expect(timeline.entries.filter { $0.kind == .note }.map(\.code) == ["note", "note"])
        }
    }

    @Test func closingWithdrawsOpenTasksResolvesEscalationsAndRecordsTheCoordinatorsReason() async throws {
        try await onRejectedHousing { rig in
            let caseId = try await rig.currentCase().caseId
            rig.clock.set(at("2027-02-01T09:00:00Z"))
            let summary = try await rig.close(caseId, .movedAbroad, note: "Vertrokken naar familie.", request: "k1")
            #expect(summary.status == .closed && summary.closeReason == .closedByCoordinator)
            #expect(summary.coordinatorCloseReason == .movedAbroad)
            #expect(summary.openTasks == 0 && summary.openEscalations == 0 && summary.closedAt == rig.clock.now)
            #expect(try await rig.close(caseId, .movedAbroad, note: "Vertrokken naar familie.", request: "k1") == summary)
            await expectError(.conflict) { _ = try await rig.close(caseId, .other, request: "k2") }
            await expectError(.notFound) { _ = try await rig.close(UUID(), .other, request: "k3") }

            let closed = try #require(try rig.events(CaseClosed.self).first)
            #expect(closed.reason == .closedByCoordinator && closed.coordinatorReason == .movedAbroad)
            #expect(closed.coverage.first { $0.domain == .housing }?.atClosure == .open && closed.releaseDate == nil)
            let withdrawn = try rig.events(TaskWithdrawn.self)
            #expect(withdrawn.count == 3 && withdrawn.allSatisfy { $0.reason == .caseClosed })
            let updates = try rig.events(EscalationUpdated.self)
            #expect(updates.count == 1 && updates[0].status == .resolved && updates[0].updatedBy == "planning")
            #expect(try rig.events(CaseClosed.self).count == 1)
            let timeline = try await rig.desk.timeline(caseId: caseId, actor: coordinator)
            #expect(timeline.notes.map(\.text) == ["Vertrokken naar familie."])
            #expect(timeline.entries.last?.kind == .escalationUpdated)
            let closing = try #require(timeline.entries.first { $0.kind == .caseClosed })
            #expect(closing.code == "closed-by-coordinator" && closing.by == "coordinator-ams")
            await expectError(.conflict) {
                _ = try await rig.cooperation(caseId, .unreachable, request: "k4")
            }
        }
    }

    @Test func recordingCooperationPublishesItAndTheCaseRemembersIt() async throws {
        try await onRejectedHousing { rig in
            let caseId = try await rig.currentCase().caseId
            let summary = try await rig.cooperation(caseId, .declinesAftercare, request: "p1")
            #expect(summary.cooperation == .declinesAftercare && summary.status == .open)
            _ = try await rig.cooperation(caseId, .declinesAftercare, request: "p1")
            let recorded = try rig.events(CooperationRecorded.self)
            #expect(recorded.count == 1 && recorded[0].cooperation == .declinesAftercare && recorded[0].recordedBy == "coordinator-ams")
            #expect(try await rig.currentCase().cooperation == .declinesAftercare)
            let later = try await rig.cooperation(caseId, .cooperating, request: "p2")
            #expect(later.cooperation == .cooperating)
            #expect(try rig.events(CooperationRecorded.self).count == 2)
            let timeline = try await rig.desk.timeline(caseId: caseId, actor: coordinator)
            #expect(timeline.entries.filter { $0.kind == .cooperation }.map(\.code) == ["declines-aftercare", "cooperating"])
        }
    }
}
