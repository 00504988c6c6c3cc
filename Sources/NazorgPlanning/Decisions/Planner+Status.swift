import Foundation
import NazorgContracts
import NazorgRuntime

extension Planner {
    /// Decides what a task's new status changes. A partner's rejection goes back to the
    /// coordinator as an escalation, never silently to another organisation; so do the hub's
    /// own reports of a task waiting for consent or unable to reach its partner. The last
    /// completed task of a released person closes the case.
    public func decide(status: TaskStatusChanged, eventId: String, trace: TraceParent, now: Date,
                       state: CaseState?) throws -> PlanningChange {
        guard let state, var task = state.tasks.first(where: { $0.taskId == status.taskId }) else {
            throw PoisonEvent(reason: "unknown-task", detail: "no task with this id belongs to the subject")
        }
        guard task.partnerId == status.partnerId else {
            throw PoisonEvent(reason: "wrong-partner", detail: "the task was assigned to another partner")
        }
        // Planning ended the task; a report that crossed the withdrawal changes nothing.
        if task.isWithdrawn { return .ignored("task-withdrawn") }
        // The filter's reports about a waiting task may cross: a late awaiting-consent or
        // offered must not undo what happened since. Partners' answers always apply.
        if Self.isStale(status.status, after: task.status) { return PlanningChange() }
        if status.status == .undeliverable && status.reason == HubReason.consentWithdrawn {
            return try decideConsentWithdrawn(task, status: status, eventId: eventId, trace: trace, now: now, state: state)
        }
        var decision = CaseDecision(planner: self, state: state, eventId: eventId, trace: trace, now: now)
        task.status = status.status.rawValue
        decision.update(task)
        var forwarded = status
        forwarded.caseId = task.caseId
        forwarded.subjectId = task.subjectId
        forwarded.domain = task.domain
        try decision.publish(forwarded, id: DeterministicID.string("case-status", eventId))
        if let reason = Self.escalationReason(for: status) {
            try decision.escalate(reason, key: [eventId], taskId: task.taskId)
        }
        if status.status == .rejected { try decision.raiseHotPotatoIfPassedAround(task.taskId, after: .rejected) }
        if status.status == .completed { try decision.closeIfEveryTaskIsDone() }
        return try decision.change()
    }

    /// The filter stopped a task because the person withdrew the consent its partner held it
    /// on, and asked the partner to delete it. The task is withdrawn (`consent-withdrawn`, as
    /// retracted) and a new task for the same partner, with the same deadline and content,
    /// takes its place: the filter keeps it until consent is given again, and reports the wait
    /// to the coordinator after its grace period (an `awaiting-consent` escalation, then a
    /// `consent-timeout`). A task the partner already completed stays completed.
    func decideConsentWithdrawn(_ task: TaskRecord, status: TaskStatusChanged, eventId: String, trace: TraceParent,
                                now: Date, state: CaseState) throws -> PlanningChange {
        guard task.isOpen else { return .ignored("task-completed") }
        var decision = CaseDecision(planner: self, state: state, eventId: eventId, trace: trace, now: now)
        var forwarded = status
        forwarded.caseId = task.caseId
        forwarded.subjectId = task.subjectId
        forwarded.domain = task.domain
        try decision.publish(forwarded, id: DeterministicID.string("case-status", eventId))
        try decision.replaceAfterWithdrawnConsent(task)
        return try decision.change()
    }

    /// The id of the input that ends a case's aftercare period: one per case, so the timer
    /// closes a case once, however often it runs and restarts.
    public static func aftercareEndEventId(caseId: UUID) -> String {
        DeterministicID.string("aftercare-ended", caseId.uuidString.lowercased())
    }

    /// Closes a released case whose aftercare period ended. Refuses (``PoisonEvent``
    /// `not-due`, nothing recorded) when the case is closed or not due after all, so a later
    /// run can still close it when it is.
    public func decideAftercareEnd(caseId: UUID, trace: TraceParent, now: Date, state: CaseState?) throws -> PlanningChange {
        guard let state, state.record.caseId == caseId, state.record.isOpen,
              let release = state.record.release,
              isAftercareOver(since: release.releaseDate, now: now, in: state.record.municipality) else {
            throw PoisonEvent(reason: "not-due", detail: "the case is closed or its aftercare period has not ended")
        }
        var decision = CaseDecision(planner: self, state: state, eventId: Self.aftercareEndEventId(caseId: caseId),
                                    trace: trace, now: now)
        try decision.close(.aftercarePeriodEnded)
        return try decision.change()
    }

    /// Whether the aftercare period after a release on `releaseDate` is over on `now`'s day,
    /// by the profile of `municipality` (the default profile's without one).
    public func isAftercareOver(since releaseDate: CalendarDate, now: Date, in municipality: String? = nil) -> Bool {
        let days = municipality.map { profile(for: $0).aftercareDays } ?? aftercareDays
        return releaseDate.days(until: CalendarDate(now, in: timeZone)) >= days
    }

    /// The last release day whose aftercare period may be over today in some municipality:
    /// by the shortest period of any profile, so the query finds every due case and the
    /// decision judges each by its own municipality.
    public func lastReleaseDayDue(now: Date) -> CalendarDate? {
        try? CalendarDate(now, in: timeZone).adding(days: -profiles.shortestAftercareDays)
    }

    /// True for a hub report that an earlier or later step already overtook.
    static func isStale(_ status: TaskStatus, after current: String) -> Bool {
        switch status {
        case .awaitingConsent: return current != TaskRecord.assigned
        case .offered: return current != TaskRecord.assigned && current != TaskStatus.awaitingConsent.rawValue
        case .accepted, .rejected, .completed, .undeliverable: return false
        }
    }

    /// Which statuses put the task back on the coordinator's desk, and why.
    static func escalationReason(for status: TaskStatusChanged) -> EscalationRaised.Reason? {
        switch status.status {
        case .accepted, .completed, .offered: return nil
        case .rejected: return .taskRejected
        // Held because the coordinator recorded that the person declines aftercare or cannot
        // be reached: the coordinator's own decision, seen in the case, not a new alarm.
        case .awaitingConsent: return status.reason == HubReason.noCooperation ? nil : .awaitingConsent
        case .undeliverable: return status.reason == HubReason.noPolicy ? .disclosureDenied : .deliveryFailed
        }
    }
}
