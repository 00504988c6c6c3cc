import Foundation
import NazorgContracts
import NazorgRuntime

/// Which timers a case's state implies, and what one does when it fires.
extension CaseDecision {
    /// Every timer of the case as it now stands, fired or not; none once it is closed.
    func pendingTimers() -> [DueTimer] {
        guard record.isOpen else { return [] }
        let profile = self.profile
        var timers: [DueTimer] = []
        for task in tasks where task.isOpen {
            let changed = task.statusChangedAt ?? task.assignedAt
            // The first contact is the coordinator's own: nobody accepts it.
            switch task.status {
            case TaskRecord.assigned where task.taskType != .firstContact,
                 TaskStatus.offered.rawValue where task.taskType != .firstContact:
                let partner = planner.directory.partner(id: task.partnerId)
                let hours = profile.responseHours.hours(partnerId: task.partnerId, role: partner?.role ?? task.partnerRole)
                timers.append(DueTimer(.notAccepted, caseId: caseId, taskId: task.taskId,
                                       dueAt: changed.addingTimeInterval(hours * 3_600)))
            // While the person does not cooperate the wait is the coordinator's to judge; it
            // counts again from when they cooperate (``recordCooperation``).
            case TaskStatus.awaitingConsent.rawValue where record.cooperation.map({ $0 == .cooperating }) ?? true:
                timers.append(DueTimer(.consentTimeout, caseId: caseId, taskId: task.taskId,
                                       dueAt: changed.addingTimeInterval(profile.consentWaitHours * 3_600)))
            default:
                break
            }
            if task.taskType == .firstContact {
                if let dueAt = task.dueAt { timers.append(DueTimer(.firstContactMissed, caseId: caseId, taskId: task.taskId, dueAt: dueAt)) }
            } else if let passed = task.dueAt ?? dayAfter(task.deadline) {
                timers.append(DueTimer(.deadlineMissed, caseId: caseId, taskId: task.taskId, dueAt: passed))
            }
        }
        if !notices.contains(where: { $0.type == .detentionPlanShared && !$0.withdrawn }),
           let lastDay = try? DutchWorkingDays.adding(profile.planWorkingDays, to: deadlineContext(plannedOn: today).detentionStart),
           let passed = dayAfter(lastDay) {
            timers.append(DueTimer(.planMissing, caseId: caseId, dueAt: passed, dueKey: lastDay.description))
        }
        if coverage().contains(where: { $0.state == .open }) {
            if let release = record.release {
                timers.append(DueTimer(.releaseDayOpen, caseId: caseId, dueAt: release.releasedAt,
                                       dueKey: release.releaseDate.description))
            } else if let expected = record.expectedReleaseDate {
                timers.append(DueTimer(.releaseDayOpen, caseId: caseId, dueAt: expected.startOfDay(in: planner.timeZone),
                                       dueKey: expected.description))
            }
        }
        return timers
    }

    /// The start of the day after `day`: the moment a deadline on `day` has passed.
    private func dayAfter(_ day: CalendarDate) -> Date? {
        (try? day.adding(days: 1))?.startOfDay(in: planner.timeZone)
    }

    /// Raises what a due timer is about: one escalation for a task or the plan, one per open
    /// basisvoorwaarde on release day. Ids derive from the timer, so a repeat is harmless.
    mutating func fire(_ timer: DueTimer) throws {
        func escalation(_ key: String?, domain: Domain?, partnerId: String?) -> EscalationRaised {
            EscalationRaised(escalationId: DeterministicID.string(parts: ["escalation", timer.id] + (key.map { [$0] } ?? [])),
                             caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                             taskId: timer.taskId, reason: timer.kind.reason, domain: domain, partnerId: partnerId,
                             wasDueAt: timer.dueAt, raisedAt: now)
        }
        switch timer.kind {
        case .releaseDayOpen:
            for open in coverage() where open.state == .open {
                let holder = tasks.first { $0.isOpen && $0.domain == open.domain && $0.taskType == .deliver }
                try raise(escalation(open.domain.rawValue, domain: open.domain, partnerId: holder?.partnerId))
            }
        case .planMissing:
            try raise(escalation(nil, domain: nil, partnerId: nil))
        case .notAccepted, .deadlineMissed, .firstContactMissed, .consentTimeout:
            let task = timer.taskId.flatMap { id in tasks.first { $0.taskId == id } }
            try raise(escalation(nil, domain: task?.domain, partnerId: task?.partnerId))
        }
    }
}

extension Planner {
    /// Every timer a case's state implies, fired or not.
    public func timers(for state: CaseState) -> [DueTimer] {
        CaseDecision(planner: self, state: state, eventId: "timers", trace: .random(), now: state.record.openedAt).pendingTimers()
    }

    /// Fires the timer `timerId` of the case if its state still implies it and it is due at
    /// `now`; otherwise changes nothing but the case's next timer (`timer-not-due`).
    public func decideTimer(_ timerId: String, trace: TraceParent, now: Date, state: CaseState?) throws -> PlanningChange {
        guard let state else { throw PoisonEvent(reason: "unknown-case", detail: "planning has no case with this id") }
        var decision = CaseDecision(planner: self, state: state, eventId: timerId, trace: trace, now: now)
        guard let timer = decision.pendingTimers().first(where: { $0.id == timerId }), timer.dueAt <= now else {
            var change = try decision.change()
            change.ignoredBecause = "timer-not-due"
            return change
        }
        try decision.fire(timer)
        return try decision.change()
    }
}
