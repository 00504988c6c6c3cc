import Foundation
import NazorgContracts
import NazorgRuntime

/// A need passed between organisations until nobody owns it (hete aardappel).
extension CaseDecision {
    enum HandOff: String {
        case rejected
        case reassigned
    }

    /// The tasks one need passed through, in order: the original and each task the
    /// coordinator reassigned it to.
    func chain(of taskId: String) -> [TaskRecord] {
        guard var first = tasks.first(where: { $0.taskId == taskId }) else { return [] }
        var seen: Set<String> = [first.taskId]
        while let previousId = first.reassignedFromTaskId, seen.insert(previousId).inserted,
              let previous = tasks.first(where: { $0.taskId == previousId }) {
            first = previous
        }
        var chain = [first]
        seen = [first.taskId]
        while let last = chain.last, let next = tasks.first(where: { $0.reassignedFromTaskId == last.taskId }),
              seen.insert(next.taskId).inserted {
            chain.append(next)
        }
        return chain
    }

    /// After a rejection of, or a reassignment to, `taskId`: a need rejected twice,
    /// reassigned twice, or now with an organisation that rejected it before is a hot potato.
    /// Each hand-off escalates once, naming the organisations in order and the hours since
    /// the need was first assigned.
    mutating func raiseHotPotatoIfPassedAround(_ taskId: String, after handOff: HandOff) throws {
        let chain = chain(of: taskId)
        guard let first = chain.first, let position = chain.firstIndex(where: { $0.taskId == taskId }) else { return }
        let task = chain[position]
        let rejections = chain.filter { $0.rejectedAt != nil }.count
        let reassignments = chain.count - 1
        let rejectedBefore = chain[..<position].contains { $0.partnerId == task.partnerId && $0.rejectedAt != nil }
        guard rejections >= 2 || reassignments >= 2 || rejectedBefore else { return }
        var partners: [String] = []
        for link in chain where !partners.contains(link.partnerId) { partners.append(link.partnerId) }
        let hours = Int(max(0, now.timeIntervalSince(first.assignedAt)) / 3_600)
        let id = DeterministicID.string("escalation", "hot-potato", first.taskId, taskId, handOff.rawValue)
        try raise(EscalationRaised(escalationId: id, caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                                   taskId: taskId, reason: .hotPotato, domain: task.domain, partnerId: task.partnerId,
                                   partnerIds: partners, timeLostHours: hours, raisedAt: now))
    }

    /// After planning itself gave a need to a partner (a new plan, a hand-over): a partner
    /// that already rejected a task for the same need in this case is offered it again, a hot
    /// potato too, naming every organisation the need went to and the hours since it was
    /// first assigned. A reassignment is judged by ``raiseHotPotatoIfPassedAround``.
    mutating func raiseHotPotatoIfOfferedAgain(_ task: TaskRecord) throws {
        guard task.taskType != .firstContact else { return }
        let earlier = tasks
            .filter { $0.taskId != task.taskId && $0.taskType == task.taskType && $0.domain == task.domain
                && $0.measure == task.measure && $0.assignedAt <= task.assignedAt }
            .sorted { ($0.assignedAt, $0.taskId) < ($1.assignedAt, $1.taskId) }
        guard let first = earlier.first, earlier.contains(where: { $0.partnerId == task.partnerId && $0.rejectedAt != nil })
        else { return }
        var partners: [String] = []
        for link in earlier + [task] where !partners.contains(link.partnerId) { partners.append(link.partnerId) }
        let hours = Int(max(0, now.timeIntervalSince(first.assignedAt)) / 3_600)
        let id = DeterministicID.string("escalation", "hot-potato", task.taskId, "offered-again")
        try raise(EscalationRaised(escalationId: id, caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                                   taskId: task.taskId, reason: .hotPotato, domain: task.domain, partnerId: task.partnerId,
                                   partnerIds: partners, timeLostHours: hours, raisedAt: now))
    }
}
