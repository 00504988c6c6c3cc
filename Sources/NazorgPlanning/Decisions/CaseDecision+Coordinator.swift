import Foundation
import NazorgContracts
import NazorgRuntime

/// The coordinator's commands on one case. ``actor`` is set: it is the account that acts.
extension CaseDecision {
    private var account: String { actor ?? Self.hubAccount }

    /// The command's free text as a note of the account, with the id the command's input gives it.
    func note(_ text: String) -> CaseNote {
        CaseNote(noteId: CoordinatorCommand.noteId(eventId: eventId), caseId: caseId, text: text, author: account, at: now)
    }

    private func escalation(_ escalationId: String) throws -> EscalationRecord {
        guard let escalation = escalations.first(where: { $0.escalationId == escalationId }) else {
            throw CoordinatorError(.notFound, "There is no such escalation.")
        }
        return escalation
    }

    /// Someone is on it: open → acknowledged.
    mutating func acknowledge(_ escalationId: String, note text: String?) throws {
        let escalation = try escalation(escalationId)
        guard escalation.status == .open else {
            throw CoordinatorError(.conflict, "The escalation is already \(escalation.status.rawValue).")
        }
        if let text { try CoordinatorCommand.validate(text, field: "note") }
        try settle(escalation, as: .acknowledged, by: account, note: text.map { note($0) })
    }

    /// Done, with a note saying how: open or acknowledged → resolved.
    mutating func resolve(_ escalationId: String, note text: String) throws {
        let escalation = try escalation(escalationId)
        guard !escalation.isResolved else { throw CoordinatorError(.conflict, "The escalation is already resolved.") }
        try CoordinatorCommand.validate(text, field: "note")
        try settle(escalation, as: .resolved, by: account, note: note(text))
    }

    /// Gives an open task to another partner that does its basisvoorwaarde (a coordinator for
    /// a screening) in the case's municipality: a new task with the old one's deadline, the old
    /// one withdrawn (`reassigned`). The reason stays in planning as a note.
    mutating func reassign(_ taskId: String, to partnerId: String, reason: String) throws {
        guard let task = tasks.first(where: { $0.taskId == taskId }) else {
            throw CoordinatorError(.notFound, "There is no such task.")
        }
        guard record.isOpen else { throw CoordinatorError(.conflict, "The case is closed.") }
        guard task.isOpen else { throw CoordinatorError(.conflict, "The task is no longer open (completed or withdrawn).") }
        guard [.deliver, .measure, .screen].contains(task.taskType) else {
            throw CoordinatorError(.invalid, "Only delivery, measure and screening tasks can be reassigned.")
        }
        try CoordinatorCommand.validate(reason, field: "reason")
        guard let partner = planner.directory.partner(id: partnerId) else {
            throw CoordinatorError(.invalid, "There is no partner with this id.")
        }
        guard partner.id != task.partnerId else { throw CoordinatorError(.invalid, "The task already lies with this partner.") }
        let fits = task.taskType == .screen
            ? partner.role == .municipalityCoordinator
            : task.domain.map { partner.domains.contains($0) } == true
        guard fits else { throw CoordinatorError(.invalid, "The partner does not do this task's basisvoorwaarde.") }
        guard partner.serves(record.municipality) else {
            throw CoordinatorError(.invalid, "The partner does not serve the case's municipality.")
        }
        try withdraw(task.taskId, reason: .reassigned)
        let next = TaskRecord(taskId: CoordinatorCommand.reassignedTaskId(from: task.taskId, eventId: eventId), caseId: caseId,
                              subjectId: record.subjectId, taskType: task.taskType, domain: task.domain, partnerId: partner.id,
                              partnerRole: partner.role, deadline: task.deadline, dueAt: task.dueAt, urgent: task.urgent,
                              details: task.details, remark: task.remark, sourceNoticeId: task.sourceNoticeId, assignedAt: now,
                              plannedOn: task.plannedOn, measure: task.measure, reassignedFromTaskId: task.taskId)
        update(next)
        try publish(assigned(next), id: DeterministicID.string("TaskAssigned", next.taskId))
        keep(note(reason), code: "reassignment", taskId: task.taskId)
        try raiseHotPotatoIfPassedAround(next.taskId, after: .reassigned)
    }

    /// Closes an open case for a reason of the coordinator's, with an optional note.
    mutating func closeForCoordinator(_ reason: CaseClosed.CoordinatorReason, note text: String?) throws {
        guard record.isOpen else { throw CoordinatorError(.conflict, "The case is already closed.") }
        if let text {
            try CoordinatorCommand.validate(text, field: "note")
            keep(note(text), code: "closure")
        }
        try close(.closedByCoordinator, coordinatorReason: reason)
    }

    /// What the coordinator learned about the person's cooperation; the filter stops new
    /// disclosures to consent-based partners while the person declines or cannot be reached.
    mutating func recordCooperation(_ cooperation: CooperationRecorded.Cooperation) throws {
        guard record.isOpen else { throw CoordinatorError(.conflict, "The case is closed.") }
        let wasWithheld = record.cooperation.map { $0 != .cooperating } ?? false
        record.cooperation = cooperation
        // Cooperating again: a task still waiting now waits for consent alone, and that wait
        // (the consent-timeout term) counts from now, not from when it was held.
        if wasWithheld && cooperation == .cooperating {
            for var task in tasks where task.isOpen && task.status == TaskStatus.awaitingConsent.rawValue {
                task.statusChangedAt = now
                update(task)
            }
        }
        try publish(CooperationRecorded(caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                                        cooperation: cooperation, recordedBy: account, recordedAt: now),
                    id: DeterministicID.string("CooperationRecorded", eventId))
    }
}
