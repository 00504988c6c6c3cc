import Foundation
import NazorgContracts
import NazorgRuntime

/// What is in place per basisvoorwaarde, and closing the case.
extension CaseDecision {
    /// Per basisvoorwaarde, in `Domain` order: arranged when the plan said so or its delivery
    /// task was completed (a completed screening alone arranges nothing), not applicable when
    /// the plan said so, open when needed or unknown without that, unknown when no plan said
    /// anything.
    func coverage() -> [BasisvoorwaardeCoverage] {
        Domain.allCases.map { domain in
            let delivered = tasks.contains { $0.domain == domain && $0.taskType == .deliver && $0.isCompleted }
            let state: BasisvoorwaardeCoverage.State
            if delivered {
                state = .arranged
            } else {
                switch record.need(domain)?.need.status {
                case .arranged: state = .arranged
                case .notApplicable: state = .notApplicable
                case .needed, .unknown: state = .open
                case nil: state = .unknown
                }
            }
            return BasisvoorwaardeCoverage(domain: domain, state: state)
        }
    }

    /// Closes the case: its open tasks are withdrawn (case-closed), `CaseClosed` records
    /// what was in place on release day and now, and its open escalations are resolved.
    mutating func close(_ reason: CaseClosed.Reason, coordinatorReason: CaseClosed.CoordinatorReason? = nil) throws {
        guard record.isOpen else { return }
        let atClosure = coverage()
        for task in tasks where task.isOpen { try withdraw(task.taskId, reason: .caseClosed) }
        record.status = .closed
        record.closedAt = now
        record.closeReason = reason
        record.coordinatorCloseReason = coordinatorReason
        let atRelease = Dictionary(uniqueKeysWithValues: (record.releaseCoverage ?? []).map { ($0.domain, $0.state) })
        let closed = CaseClosed(caseId: caseId, subjectId: record.subjectId, municipality: record.municipality, reason: reason,
                                coordinatorReason: coordinatorReason, releaseDate: record.release?.releaseDate,
                                coverage: atClosure.map { CaseClosed.Coverage(domain: $0.domain, atRelease: atRelease[$0.domain],
                                                                              atClosure: $0.state) },
                                closedAt: now)
        try publish(closed, id: DeterministicID.string("CaseClosed", caseKey))
        try resolveEscalationsAtClosure()
    }

    /// After release, a case whose tasks are all completed is done. Rejected or undeliverable
    /// tasks are not: they wait for the coordinator. A case without any task waits for the end
    /// of its aftercare period instead.
    mutating func closeIfEveryTaskIsDone() throws {
        guard record.isOpen, record.release != nil else { return }
        let live = tasks.filter { !$0.isWithdrawn }
        if !live.isEmpty, live.allSatisfy(\.isCompleted) { try close(.tasksCompleted) }
    }
}
