import Foundation
import NazorgContracts
import NazorgRuntime

/// Assigning, re-planning and withdrawing tasks.
extension CaseDecision {
    /// What a task's deadline counts from in the case as it now stands.
    func deadlineContext(plannedOn: CalendarDate) -> DeadlineContext {
        DeadlineContext(detentionStart: record.detentionStartDate ?? CalendarDate(record.openedAt, in: planner.timeZone),
                        expectedReleaseDate: record.expectedReleaseDate, releasedAt: record.release?.releasedAt,
                        releaseDay: record.release?.releaseDate, plannedOn: plannedOn, timeZone: planner.timeZone)
    }

    /// The deadline of a task of this kind now, and whether it is urgent: past or today when
    /// computed, the person already out, or a first contact (always hours away).
    func plannedDeadline(_ taskType: TaskType, _ domain: Domain?, measure: AlternativeMeasure? = nil,
                         plannedOn: CalendarDate) throws(PoisonEvent) -> (Deadline, Bool) {
        let rules = profile.rules
        let context = deadlineContext(plannedOn: plannedOn)
        let deadline: Deadline
        if let measure, let plan = profile.plan(of: measure) {
            deadline = try rules.deadline(by: plan.deadline, about: measure.rawValue, in: context)
        } else {
            deadline = try rules.deadline(for: taskType, domain: domain, in: context)
        }
        let urgent = taskType == .firstContact || record.release != nil || deadline.isUrgent(now: now, today: today)
        return (deadline, urgent)
    }

    /// Assigns a new task to `partner`. `inheriting` is the task it replaces at a hand-over,
    /// whose deadline it keeps.
    mutating func assign(_ taskType: TaskType, domain: Domain?, need: Need?, to partner: PartnerDirectory.Partner,
                         sourceNoticeId: String?, inheriting previous: TaskRecord? = nil,
                         measure: AlternativeMeasure? = nil) throws {
        // Two measures may protect one basisvoorwaarde in one input: the measure is part of the id.
        let taskId = DeterministicID.string(parts: ["task", caseKey, taskType.rawValue, domain?.rawValue ?? "-"]
                                            + (measure.map { [$0.rawValue] } ?? []) + [eventId])
        var task = TaskRecord(taskId: taskId, caseId: caseId, subjectId: record.subjectId, taskType: taskType, domain: domain,
                              partnerId: partner.id, partnerRole: partner.role, deadline: today,
                              details: need?.details, remark: need?.remark, sourceNoticeId: sourceNoticeId, assignedAt: now,
                              plannedOn: previous?.plannedOn ?? today, measure: measure)
        if let previous {
            task.deadline = previous.deadline
            task.dueAt = previous.dueAt
            task.urgent = previous.urgent
        } else {
            let (deadline, urgent) = try plannedDeadline(taskType, domain, measure: measure, plannedOn: task.plannedOn)
            task.deadline = deadline.date
            task.dueAt = deadline.dueAt
            task.urgent = urgent
        }
        update(task)
        try publish(assigned(task), id: DeterministicID.string("TaskAssigned", taskId))
        try raiseHotPotatoIfOfferedAgain(task)
    }

    /// Ends a task before it is done and tells whoever holds it.
    mutating func withdraw(_ taskId: String, reason: TaskWithdrawn.Reason, retract: Bool = false) throws {
        guard let index = taskIndex(taskId) else { return }
        var task = tasks[index]
        task.status = TaskRecord.withdrawn
        task.retracted = task.retracted || retract
        update(task)
        let withdrawn = TaskWithdrawn(taskId: taskId, caseId: caseId, subjectId: record.subjectId,
                                      municipality: record.municipality, taskType: task.taskType, domain: task.domain,
                                      partnerId: task.partnerId, partnerRole: task.partnerRole, reason: reason,
                                      retract: retract, withdrawnAt: now)
        try publish(withdrawn, id: DeterministicID.string("TaskWithdrawn", taskId, eventId))
    }

    /// Withdraws a task whose consent the person withdrew (the filter already asked its partner
    /// to delete it) and puts a new one for the same partner in its place, with the old one's
    /// deadline, content and plan: it waits in the filter until consent is given again. Not a
    /// hand-off between partners, so no hot-potato check.
    mutating func replaceAfterWithdrawnConsent(_ task: TaskRecord) throws {
        try withdraw(task.taskId, reason: .consentWithdrawn, retract: true)
        let next = TaskRecord(taskId: DeterministicID.string("task", "consent-withdrawn", task.taskId, eventId), caseId: caseId,
                              subjectId: record.subjectId, taskType: task.taskType, domain: task.domain,
                              partnerId: task.partnerId, partnerRole: task.partnerRole, deadline: task.deadline,
                              dueAt: task.dueAt, urgent: task.urgent, details: task.details, remark: task.remark,
                              sourceNoticeId: task.sourceNoticeId, assignedAt: now, plannedOn: task.plannedOn,
                              measure: task.measure)
        update(next)
        try publish(assigned(next), id: DeterministicID.string("TaskAssigned", next.taskId))
    }

    /// Computes every open task's deadline and urgency again (the release date moved, the
    /// person was released, a correction changed a date) and revises the tasks that changed;
    /// with `always`, every open task (a release is news even when no date moved).
    mutating func replanOpenTasks(always: Bool = false) throws {
        for task in tasks where task.isOpen {
            let (deadline, urgent) = try plannedDeadline(task.taskType, task.domain, measure: task.measure, plannedOn: task.plannedOn)
            var revised = task
            revised.deadline = deadline.date
            revised.dueAt = deadline.dueAt
            revised.urgent = urgent
            guard always || revised != task else { continue }
            update(revised)
            markRevised(revised, previousDeadline: task.deadline)
        }
    }

    /// Makes the case's tasks for one basisvoorwaarde match what the plans now say about it:
    /// needed is a delivery task for the domain's partner, unknown a screening task for the
    /// coordinator, arranged or not applicable no task at all. Measure tasks of the domain
    /// are not the need's: they follow their own condition (``planMeasures(inheriting:)``).
    mutating func reconcile(_ domain: Domain, inheriting: [TaskRecord] = []) throws {
        guard let planned = record.need(domain) else { return }
        let need = planned.need
        let open = tasks.filter { $0.domain == domain && $0.isOpen && $0.taskType != .measure }
        let done = tasks.contains { $0.domain == domain && $0.isCompleted && $0.taskType != .measure }
        switch need.status {
        case .arranged, .notApplicable:
            for task in open {
                try withdraw(task.taskId, reason: need.status == .arranged ? .needArranged : .needNotApplicable)
            }
        case .needed:
            for task in open where task.taskType == .screen { try withdraw(task.taskId, reason: .needKnown) }
            if let deliver = open.first(where: { $0.taskType == .deliver }) {
                carry(need, into: deliver)
            } else if !tasks.contains(where: { $0.domain == domain && $0.taskType == .deliver && $0.isCompleted }) {
                try assignForNeed(.deliver, need: need, sourceNoticeId: planned.noticeId,
                                  inheriting: inheriting.first { $0.domain == domain && $0.taskType == .deliver })
            }
        case .unknown:
            if let existing = open.first {
                carry(need, into: existing)
            } else if !done {
                try assignForNeed(.screen, need: need, sourceNoticeId: planned.noticeId,
                                  inheriting: inheriting.first { $0.domain == domain && $0.taskType == .screen })
            }
        }
    }

    /// A task's details and remark follow the plan; a change is a revision.
    private mutating func carry(_ need: Need, into task: TaskRecord) {
        guard task.details != need.details || task.remark != need.remark else { return }
        var revised = task
        revised.details = need.details
        revised.remark = need.remark
        update(revised)
        markRevised(revised, previousDeadline: task.deadline)
    }

    /// Assigns a task for a need to whoever does this kind of task in the case's
    /// municipality, or escalates that nobody does.
    private mutating func assignForNeed(_ taskType: TaskType, need: Need, sourceNoticeId: String,
                                        inheriting previous: TaskRecord?) throws {
        // A basisvoorwaarde the municipality does not arrange through the hub: the
        // coordinator hears it once and arranges it outside.
        guard profile.covers(need.domain) else {
            try escalateNoPartner(need.domain, key: [caseKey, need.domain.rawValue, "not-covered", record.municipality])
            return
        }
        let partner = taskType == .deliver
            ? planner.directory.partner(for: need.domain, in: record.municipality)
            : planner.directory.coordinator(for: record.municipality)
        guard let partner else {
            try escalate(.noPartner, key: [caseKey, need.domain.rawValue, taskType.rawValue, "no-partner", record.municipality])
            return
        }
        try assign(taskType, domain: need.domain, need: need, to: partner, sourceNoticeId: sourceNoticeId, inheriting: previous)
    }
}
