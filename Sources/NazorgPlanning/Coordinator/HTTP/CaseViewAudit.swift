import Foundation
import Logging
import NazorgContracts
import NazorgRuntime

/// Logs every case a coordinator is about to be shown, and waits for the log, before the
/// answer leaves: fail closed. Shared by the API and the page, so both log the same way.
struct CaseViewAudit: Sendable {
    /// One case shown: whose, and which of its fields.
    struct Shown: Sendable, Equatable {
        var caseId: UUID
        var subjectId: String
        var fields: [String]
    }

    let log: any CaseViewLog
    let policy: CoordinatorPolicy
    let deadline: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    /// Writes a CaseViewed per case in `shown` (one per case, its fields merged) and returns
    /// once the log acknowledged all of them; throws the 503 problem otherwise. Ids derive
    /// from the request id, so a retried write repeats them.
    func record(_ shown: [Shown], actor: CoordinatorActor, route: String, requestId: String, trace: TraceParent) async throws {
        var order: [UUID] = []
        var merged: [UUID: Shown] = [:]
        for item in shown {
            if var known = merged[item.caseId] {
                known.fields += item.fields
                merged[item.caseId] = known
            } else {
                merged[item.caseId] = item
                order.append(item.caseId)
            }
        }
        guard !order.isEmpty else { return }
        let viewedAt = now()
        let views = order.compactMap { merged[$0] }.map { item in
            CaseViewed(viewId: DeterministicID.string("case-viewed", requestId, item.caseId.uuidString.lowercased()),
                       traceId: trace.traceID, processingActivityId: policy.processingActivityId, legalBasis: policy.legalBasis,
                       subjectId: item.subjectId, caseId: item.caseId, viewerId: actor.name,
                       viewerRole: .municipalityCoordinator, route: route,
                       disclosedFields: Array(Set(item.fields)).sorted(), viewedAt: viewedAt)
        }
        let log = self.log
        do {
            try await AnswerDeadline.run(within: deadline) { try await log.write(views, trace: trace) }
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.error("case view not logged: answer withheld", metadata: [
                "coordinator.name": .string(actor.name), "http.route": .string(route), "case.count": "\(views.count)",
                "error": .string(error.loggable),
            ])
            throw ProblemDetails.viewLogUnavailable
        }
        logger.info("case view logged", metadata: [
            "coordinator.name": .string(actor.name), "http.route": .string(route), "case.count": "\(views.count)",
            "trace.id": .string(trace.traceID),
        ])
    }
}
