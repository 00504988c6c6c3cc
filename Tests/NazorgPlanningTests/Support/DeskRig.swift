import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime

/// Partners for the coordinator's desk: the fixtures' and a second housing partner, a
/// shelter, and a regional coordination centre, all in Amsterdam.
enum DeskFixtures {
    static let directory = try! PartnerDirectory(partners: Fixtures.directory.partners + [
        .init(id: "woon2-ams", name: "Woon 2", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"],
              webhook: nil),
        .init(id: "opvang-ams", name: "Opvang", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"],
              webhook: nil),
        .init(id: "rcn-ams", name: "RCN", role: .municipalityCoordinator, domains: [], municipalities: ["GM0363"], webhook: nil),
    ])

    static let amsterdam = CoordinatorActor(name: "coordinator-ams", scope: CoordinatorScope(municipalities: ["GM0363"]))
    static let rotterdam = CoordinatorActor(name: "coordinator-rdam", scope: CoordinatorScope(municipalities: ["GM0599"]))
}

extension PlanningRig {
    /// A rig whose planner knows the desk's partners.
    convenience init(deskClock clock: TestClock) throws {
        try self.init(clock: clock, planner: Planner(directory: DeskFixtures.directory))
    }

    /// The coordinator's desk on the rig's store, at the rig's clock; it leaves publishing to
    /// the rig, which drains the outbox after each command.
    var desk: PlanningCoordinatorDesk {
        PlanningCoordinatorDesk(store: store, engine: engine, directory: DeskFixtures.directory, now: { [clock] in clock.now },
                                publishesAfterCommands: false)
    }

    /// Runs a coordinator command on the desk and drains what it published.
    func command<T>(_ run: (PlanningCoordinatorDesk) async throws -> T) async throws -> T {
        let result = try await run(desk)
        try await drain()
        return result
    }

    /// Records the person's cooperation as Amsterdam's coordinator.
    func cooperation(_ caseId: UUID, _ cooperation: CooperationRecorded.Cooperation, request: String) async throws -> CaseSummary {
        try await command {
            try await $0.recordCooperation(caseId: caseId, cooperation: cooperation, actor: DeskFixtures.amsterdam,
                                           requestId: request)
        }
    }

    /// The person's current case.
    func currentCase() async throws -> CaseRecord {
        guard let record = try await store.caseRecord(subjectId: Fixtures.subject) else { throw RigError(message: "no case") }
        return record
    }
}
