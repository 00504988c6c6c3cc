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
