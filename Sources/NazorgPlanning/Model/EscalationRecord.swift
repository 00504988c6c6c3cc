import Foundation
import NazorgContracts

/// An escalation as planning keeps it: what was raised, and where it stands on the
/// coordinator's desk. The note is free text: never logged, never published.
public struct EscalationRecord: Sendable, Equatable {
    public var escalation: EscalationRaised
    public var status: EscalationView.Status
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var note: String?

    public init(escalation: EscalationRaised, status: EscalationView.Status = .open, acknowledgedBy: String? = nil,
                acknowledgedAt: Date? = nil, resolvedBy: String? = nil, resolvedAt: Date? = nil, note: String? = nil) {
        self.escalation = escalation
        self.status = status
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.note = note
    }

    public var escalationId: String { escalation.escalationId }
    public var isResolved: Bool { status == .resolved }

    /// The record as the inbox shows it, with the case's person.
    public func view(person: Person?) -> EscalationView {
        EscalationView(escalation: escalation, status: status, acknowledgedBy: acknowledgedBy, acknowledgedAt: acknowledgedAt,
                       resolvedBy: resolvedBy, resolvedAt: resolvedAt, note: note, person: person,
                       urgencyRank: EscalationView.urgencyRank(of: escalation.reason))
    }
}

extension EscalationView {
    /// The inbox order: what cannot wait (a possible breach, a person out without notice or
    /// with basisvoorwaarden open, a need passed around) before what is late, refused or waiting.
    public static func urgencyRank(of reason: EscalationRaised.Reason) -> Int {
        switch reason {
        case .possibleDataBreach: return 0
        case .unannouncedRelease: return 1
        case .releaseDayOpen: return 2
        case .firstContactMissed: return 3
        case .hotPotato: return 4
        case .deadlineMissed: return 5
        case .notAccepted: return 6
        case .taskRejected: return 7
        case .deliveryFailed: return 8
        case .noPartner: return 9
        case .disclosureDenied: return 10
        case .consentTimeout: return 11
        case .planMissing: return 12
        case .awaitingConsent: return 13
        }
    }
}
