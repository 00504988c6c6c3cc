import Foundation
import NazorgContracts

/// A task as one partner's policy lets it be seen: the subject's allowed fields, the
/// deadline as exact as allowed, the due moment only with a deadline to the day, and the
/// task's own basisvoorwaarde's content where allowed. Offers and updates carry the same view.
struct PartnerView: Sendable {
    var subject: TaskOffered.Subject
    var deadline: CalendarDate?
    var deadlinePrecision: DeadlinePrecision?
    var dueAt: Date?
    var details: NeedDetails?
    var remark: String?

    init(task: TaskAssigned, policy: PartnerPolicy, partnerSubjectId: String) {
        subject = policy.subject(of: task, partnerSubjectId: partnerSubjectId)
        deadline = policy.deadline.map { task.deadline.coarsened(to: $0) }
        deadlinePrecision = deadline == nil ? nil : policy.deadline
        dueAt = policy.givesDueAt ? task.dueAt : nil
        details = policy.details(of: task)
        remark = policy.remark(of: task)
    }

    /// The names the disclosure log lists for a message carrying this view of `task`, in the
    /// order of the partner schema.
    func disclosedFields(of task: TaskAssigned, extra: [String] = []) -> [String] {
        var fields = ["taskId", "taskType"]
        if task.domain != nil { fields.append("domain") }
        if task.measure != nil { fields.append("measure") }
        fields += extra
        fields.append("urgent")
        if dueAt != nil { fields.append("dueAt") }
        if deadline != nil { fields += ["deadline", "deadlinePrecision"] }
        fields += (details?.domains ?? []).map { "details.\($0.rawValue)" }
        if remark != nil { fields.append("remark") }
        return fields + subject.presentFieldNames
    }
}
