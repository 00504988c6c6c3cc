import Foundation
import NazorgContracts
import NazorgRuntime

/// The coordinator's rules, as pure decisions: given a case's current state and one input,
/// what changes and which events follow. Event ids derive from their inputs, so replaying
/// an input yields the same events.
public struct Planner: Sendable {
    public let directory: PartnerDirectory
    public let rules: DeadlineRules
    public let timeZone: TimeZone

    public init(directory: PartnerDirectory, rules: DeadlineRules = .standard,
                timeZone: TimeZone = DutchTime.zone) {
        self.directory = directory
        self.rules = rules
        self.timeZone = timeZone
    }

    /// Decides what a notice from a PI desk changes.
    public func decide(notice: IntakeNotice, eventId: String, trace: TraceParent, now: Date,
                       existing: CaseRecord?, tasks: [TaskRecord]) throws -> PlanningChange {
        var change = PlanningChange()
        let subject = notice.subjectId
        var record: CaseRecord
        if let existing {
            record = existing
        } else {
            if case .noticeWithdrawn = notice { return change }  // nothing to withdraw from
            let caseId = DeterministicID.uuid("case", subject, eventId)
            record = CaseRecord(caseId: caseId, subjectId: subject, municipality: notice.municipality,
                                prisonCode: notice.prisonCode, person: notice.person, expectedReleaseDate: nil,
                                status: "open", openedAt: now)
        }
        record.person = notice.person
        record.prisonCode = notice.prisonCode
        switch notice {
        case .detentionStarted(let n): if let date = n.expectedReleaseDate { record.expectedReleaseDate = date }
        // A plan without a date (remand) keeps the date the case already knows.
        case .detentionPlanShared(let n): if let date = n.expectedReleaseDate { record.expectedReleaseDate = date }
        case .releaseScheduled(let n): record.expectedReleaseDate = n.expectedReleaseDate
        case .releaseDateChanged(let n): record.expectedReleaseDate = n.expectedReleaseDate
        case .transferred(let n): record.prisonCode = n.toPrisonCode
        case .released, .noticeWithdrawn, .municipalityChanged: break
        }
        if existing == nil {
            let opened = CaseOpened(caseId: record.caseId, subjectId: subject, municipality: record.municipality,
                                    prisonCode: record.prisonCode, person: record.person,
                                    expectedReleaseDate: record.expectedReleaseDate, sourceNoticeId: notice.noticeId,
                                    openedAt: now)
            change.outbox.append(try caseEvent(opened, id: DeterministicID.string("CaseOpened", record.caseId.uuidString),
                                               subject: subject, trace: trace, now: now))
        }
        change.upsertCase = record
        if case .detentionPlanShared(let plan) = notice {
            try assignTasks(for: plan, record: record, existingTasks: tasks, trace: trace, now: now, into: &change)
        }
        if case .released(let released) = notice, released.unannounced {
            let escalation = EscalationRaised(escalationId: DeterministicID.string("escalation", eventId),
                                              caseId: record.caseId, subjectId: subject, taskId: nil,
                                              reason: .unannouncedRelease, raisedAt: now)
            change.outbox.append(try caseEvent(escalation, id: escalation.escalationId, subject: subject, trace: trace, now: now))
        }
        return change
    }

    private func assignTasks(for plan: DetentionPlanShared, record: CaseRecord, existingTasks: [TaskRecord],
                             trace: TraceParent, now: Date, into change: inout PlanningChange) throws {
        let today = CalendarDate(now, in: timeZone)
        for need in plan.needs where need.status == .needed {
            guard !existingTasks.contains(where: { $0.domain == need.domain }) else { continue }
            guard let partner = directory.partner(for: need.domain, in: record.municipality) else {
                let escalation = EscalationRaised(
                    escalationId: DeterministicID.string("escalation", record.caseId.uuidString, need.domain.rawValue, "no-partner"),
                    caseId: record.caseId, subjectId: record.subjectId, taskId: nil, reason: .noPartner, raisedAt: now)
                change.outbox.append(try caseEvent(escalation, id: escalation.escalationId, subject: record.subjectId,
                                                   trace: trace, now: now))
                continue
            }
            let taskId = DeterministicID.string("task", record.caseId.uuidString, need.domain.rawValue)
            let deadline = try rules.deadline(for: need.domain, release: record.expectedReleaseDate, today: today)
            change.upsertTasks.append(TaskRecord(taskId: taskId, caseId: record.caseId, subjectId: record.subjectId,
                                                 domain: need.domain, partnerId: partner.id, partnerRole: partner.role,
                                                 status: "assigned", deadline: deadline))
            let assigned = TaskAssigned(taskId: taskId, caseId: record.caseId, subjectId: record.subjectId,
                                        municipality: record.municipality, prisonCode: record.prisonCode,
                                        person: record.person, domain: need.domain, partnerId: partner.id,
                                        partnerRole: partner.role, deadline: deadline,
                                        expectedReleaseDate: record.expectedReleaseDate, assignedAt: now)
            change.outbox.append(try caseEvent(assigned, id: DeterministicID.string("TaskAssigned", taskId),
                                               subject: record.subjectId, trace: trace, now: now))
        }
    }

    /// Decides what a task's new status changes. A partner's rejection goes back to the
    /// coordinator as an escalation, never silently to another organisation; so do the hub's
    /// own reports of a task waiting for consent or unable to reach its partner.
    public func decide(status: TaskStatusChanged, eventId: String, trace: TraceParent, now: Date,
                       existing: CaseRecord?, tasks: [TaskRecord]) throws -> PlanningChange {
        guard var task = tasks.first(where: { $0.taskId == status.taskId }) else {
            throw PoisonEvent(reason: "unknown-task", detail: "no task with this id belongs to the subject")
        }
        guard task.partnerId == status.partnerId else {
            throw PoisonEvent(reason: "wrong-partner", detail: "the task was assigned to another partner")
        }
        var change = PlanningChange()
        // The filter's reports about a waiting task may cross: a late awaiting-consent or
        // offered must not undo what happened since. Partners' answers always apply.
        if Self.isStale(status.status, after: task.status) { return change }
        task.status = status.status.rawValue
        change.upsertTasks = [task]
        var forwarded = status
        forwarded.caseId = task.caseId
        forwarded.subjectId = task.subjectId
        forwarded.domain = task.domain
        change.outbox.append(try caseEvent(forwarded, id: DeterministicID.string("case-status", eventId),
                                           subject: task.subjectId, trace: trace, now: now))
        if let reason = Self.escalationReason(for: status) {
            let escalation = EscalationRaised(escalationId: DeterministicID.string("escalation", eventId),
                                              caseId: task.caseId, subjectId: task.subjectId, taskId: task.taskId,
                                              reason: reason, raisedAt: now)
            change.outbox.append(try caseEvent(escalation, id: escalation.escalationId, subject: task.subjectId,
                                               trace: trace, now: now))
        }
        return change
    }

    /// True for a hub report that an earlier or later step already overtook.
    static func isStale(_ status: TaskStatus, after current: String) -> Bool {
        switch status {
        case .awaitingConsent: return current != "assigned"
        case .offered: return current != "assigned" && current != TaskStatus.awaitingConsent.rawValue
        case .accepted, .rejected, .completed, .undeliverable: return false
        }
    }

    /// Which statuses put the task back on the coordinator's desk, and why.
    static func escalationReason(for status: TaskStatusChanged) -> EscalationRaised.Reason? {
        switch status.status {
        case .accepted, .completed, .offered: return nil
        case .rejected: return .taskRejected
        case .awaitingConsent: return .awaitingConsent
        case .undeliverable: return status.reason == HubReason.noPolicy ? .disclosureDenied : .deliveryFailed
        }
    }

    private func caseEvent<P: EventPayload>(_ payload: P, id: String, subject: String, trace: TraceParent, now: Date) throws -> OutboxEvent {
        try OutboxEvent(payload, id: id, topic: Topics.planningCaseEvents, key: subject, trace: trace.child(), time: now)
    }
}
