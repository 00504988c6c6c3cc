import Foundation
import NazorgContracts
import NazorgRuntime

/// The coordinator's desk as a decision sees it: raising escalations, moving them, and
/// clearing them when the case closes.
extension CaseDecision {
    /// The account planning names when it moves an escalation itself.
    static let hubAccount = "planning"

    /// Puts an escalation on the desk and publishes it, once: an id the case already holds
    /// (the same situation met again) changes nothing, and a resolved one is not reopened.
    mutating func raise(_ escalation: EscalationRaised) throws {
        guard !escalations.contains(where: { $0.escalationId == escalation.escalationId }) else { return }
        update(EscalationRecord(escalation: escalation))
        try publish(escalation, id: escalation.escalationId)
    }

    /// Moves an escalation to `status` for `account`, keeping the note if one is given, and
    /// publishes EscalationUpdated (without the note).
    mutating func settle(_ escalation: EscalationRecord, as status: EscalationUpdated.Status, by account: String,
                         note: CaseNote? = nil) throws {
        var settled = escalation
        switch status {
        case .acknowledged:
            settled.status = .acknowledged
            settled.acknowledgedBy = account
            settled.acknowledgedAt = now
        case .resolved:
            settled.status = .resolved
            settled.resolvedBy = account
            settled.resolvedAt = now
        }
        if let note {
            settled.note = note.text
            keep(note, code: status.rawValue, escalationId: escalation.escalationId)
        }
        update(settled)
        let id = DeterministicID.string("EscalationUpdated", escalation.escalationId, status.rawValue, eventId)
        try publish(EscalationUpdated(escalationId: escalation.escalationId, caseId: caseId, subjectId: record.subjectId,
                                      municipality: record.municipality, status: status, updatedBy: account, updatedAt: now),
                    id: id)
    }

    /// A closed case needs no one's attention, except a possible data breach: whether to
    /// report it within 72 hours is the coordinator's judgement, so it stays open.
    mutating func resolveEscalationsAtClosure() throws {
        for escalation in escalations where !escalation.isResolved && escalation.escalation.reason != .possibleDataBreach {
            try settle(escalation, as: .resolved, by: Self.hubAccount)
        }
    }
}

extension CaseDecision {
    /// Resolves, as the hub (`planning`), every escalation whose situation the case's state
    /// has ended, so the inbox holds only what still needs the coordinator: a partner that
    /// answered after all, a task offered once consent came, a late or refused task completed
    /// or ended (reassigned, withdrawn), the D&R plan arrived, a basisvoorwaarde open on release
    /// day arranged after all. A hot potato, a possible data breach, an unannounced release and
    /// a need without a partner stay: they ask for the coordinator's judgement.
    mutating func resolveEscalationsWhoseSituationEnded() throws {
        for escalation in escalations where !escalation.isResolved && hasEnded(escalation.escalation) {
            try settle(escalation, as: .resolved, by: Self.hubAccount)
        }
    }

    private func hasEnded(_ escalation: EscalationRaised) -> Bool {
        switch escalation.reason {
        case .planMissing:
            return notices.contains { $0.type == .detentionPlanShared && !$0.withdrawn }
        case .releaseDayOpen:
            guard let domain = escalation.domain else { return false }
            return coverage().first { $0.domain == domain }?.state != .open
        case .hotPotato, .possibleDataBreach, .unannouncedRelease, .noPartner:
            return false
        case .notAccepted, .awaitingConsent, .consentTimeout, .deadlineMissed, .firstContactMissed,
             .taskRejected, .deliveryFailed, .disclosureDenied:
            guard let task = escalation.taskId.flatMap({ id in tasks.first { $0.taskId == id } }) else { return false }
            if !task.isOpen { return true }
            switch escalation.reason {
            case .notAccepted: return task.status != TaskRecord.assigned && task.status != TaskStatus.offered.rawValue
            case .awaitingConsent, .consentTimeout: return task.status != TaskStatus.awaitingConsent.rawValue
            default: return false
            }
        }
    }
}
