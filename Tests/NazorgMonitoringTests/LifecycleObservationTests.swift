import Foundation
import NazorgContracts
import NazorgMonitoring
import NazorgTestSupport
import Testing

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Contracts/examples")

@Suite struct LifecycleObservationTests {
    /// The observations of the lifecycle's case events (revision, withdrawal, release day,
    /// hand-over) fold into the read model without failing and without moving any figure
    /// they have none for yet; a possible breach counts as an escalation of its own reason.
    @Test func lifecycleObservationsAreAcceptedAndLeaveOtherFiguresAlone() async throws {
        let store = try SQLiteMonitoringStore(path: nil)
        try await store.apply([Feed.opened("o1"), Feed.assigned("o2", task: "t1", partner: "p1")])
        let before = try await store.summary()
        let releaseDay = try FlowObserved.decodedJSON(try Data(contentsOf: examples.appendingPathComponent(
            "FlowObserved-release-day-example.json")))
        let lifecycle = [
            FlowObserved(observationId: "o3", sourceEventType: .taskRevised, subjectId: Feed.subject, municipality: "GM0363",
                         caseId: Feed.caseId, taskId: "t1", domain: .housing, partnerId: "p1", occurredAt: Feed.at(3)),
            FlowObserved(observationId: "o4", sourceEventType: .taskWithdrawn, subjectId: Feed.subject, caseId: Feed.caseId,
                         taskId: "t1", domain: .housing, partnerId: "p1", withdrawalReason: .wrongPerson, occurredAt: Feed.at(4)),
            FlowObserved(observationId: "o5", sourceEventType: .caseHandedOver, subjectId: Feed.subject, municipality: "GM0363",
                         caseId: Feed.caseId, toMunicipality: "GM0599", occurredAt: Feed.at(5)),
            releaseDay,
        ]
        #expect(try await store.apply(lifecycle) == 4)
        #expect(try await store.apply(lifecycle) == 0)
        #expect(try await store.summary() == before)
        try await store.apply(Feed.escalation("o6", reason: .possibleDataBreach))
        let after = try await store.summary()
        #expect(after.escalationsByReason["possible-data-breach"] == 1 && after.escalations == before.escalations + 1)
    }
}
