import Foundation
import NazorgContracts

/// What the coordinator's desk reads besides what planning's inputs read. Every query that
/// lists takes the actor's scope and applies it in the store, so nothing outside it is read.
public protocol CoordinatorStore: PlanningStore {
    /// Cases in `scope` matching the query's filters except ``CaseQuery/domain`` (that needs
    /// the plan and the tasks): open before closed, then by release day (actual, else
    /// expected; none last), then oldest first. With `paged`, the query's limit and offset apply.
    func caseStates(matching query: CaseQuery, scope: CoordinatorScope, today: CalendarDate,
                    paged: Bool) async throws -> [CaseState]
    /// The case an escalation belongs to.
    func caseId(ofEscalation escalationId: String) async throws -> UUID?
    /// The case a task belongs to.
    func caseId(ofTask taskId: String) async throws -> UUID?
    /// The inbox: escalations of cases in `scope`, most urgent first
    /// (``EscalationView/urgencyRank(of:)``), then oldest first, each with the case's person.
    func escalations(matching query: EscalationQuery, scope: CoordinatorScope) async throws -> [EscalationView]
    /// What planning recorded happening in the case, in order.
    func history(caseId: UUID) async throws -> [TimelineEntry]
    func notes(caseId: UUID) async throws -> [CaseNote]
    /// What the disclosure log says partners received about the case's person during the case:
    /// what a planning event of this case caused, or what came while it was the person's
    /// newest case.
    func disclosures(caseId: UUID) async throws -> [DisclosureRecord]
}
