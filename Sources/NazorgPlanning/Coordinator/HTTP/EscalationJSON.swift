import Foundation
import NazorgContracts

/// An escalation as the API answers it; with the person (as the policy allows) in the
/// inbox, without in a command's answer.
struct EscalationJSON: Encodable {
    var escalationId: String
    var caseId: UUID
    var municipality: String
    var taskId: String?
    var reason: EscalationRaised.Reason
    var domain: Domain?
    var partnerId: String?
    var partnerIds: [String]?
    var wasDueAt: Date?
    var timeLostHours: Int?
    var dueAt: Date?
    var raisedAt: Date
    var status: String
    var acknowledgedBy: String?
    var acknowledgedAt: Date?
    var resolvedBy: String?
    var resolvedAt: Date?
    var note: String?
    var urgencyRank: Int
    var person: PersonJSON?

    init(_ view: EscalationView, policy: CoordinatorPolicy?) {
        let e = view.escalation
        escalationId = e.escalationId
        caseId = e.caseId
        municipality = e.municipality
        taskId = e.taskId
        reason = e.reason
        domain = e.domain
        partnerId = e.partnerId
        partnerIds = e.partnerIds
        wasDueAt = e.wasDueAt
        timeLostHours = e.timeLostHours
        dueAt = e.dueAt
        raisedAt = e.raisedAt
        status = view.status.rawValue
        acknowledgedBy = view.acknowledgedBy
        acknowledgedAt = view.acknowledgedAt
        resolvedBy = view.resolvedBy
        resolvedAt = view.resolvedAt
        note = view.note
        urgencyRank = view.urgencyRank
        if let policy, let shown = view.person { person = policy.person(shown) }
    }

    /// The fields an inbox line shows about the person, as the disclosure log names them.
    static func shownFields(_ view: EscalationView, policy: CoordinatorPolicy) -> [String] {
        var shown = ["municipality"]
        if let person = view.person { shown += policy.shownPersonFields(person) }
        if view.note != nil { shown.append("escalation.note") }
        return shown
    }
}

struct EscalationListJSON: Encodable {
    var escalations: [EscalationJSON]
}

extension Array where Element == EscalationView {
    /// The inbox's order: most urgent first, then the oldest.
    func sortedByUrgency() -> [EscalationView] {
        sorted {
            ($0.urgencyRank, $0.escalation.raisedAt, $0.escalation.escalationId)
                < ($1.urgencyRank, $1.escalation.raisedAt, $1.escalation.escalationId)
        }
    }
}
