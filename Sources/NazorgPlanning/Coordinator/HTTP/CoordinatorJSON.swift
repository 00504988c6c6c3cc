import Foundation
import NazorgContracts

// The bodies of the coordinator API's answers (`Contracts/openapi/planning.yaml`). Person
// fields appear only as the coordinator's policy allows; nil members are left out.

/// The person as the policy lets the coordinator see them.
struct PersonJSON: Encodable, Equatable {
    var bsn: String?
    var givenName: String?
    var surname: String?
    var birthDate: CalendarDate?
}

/// One case in a list or at the head of a timeline.
struct CaseJSON: Encodable {
    var caseId: UUID
    var municipality: String
    var prisonCode: String?
    var person: PersonJSON
    var status: String
    var openedAt: Date
    var detentionStartDate: CalendarDate?
    var expectedReleaseDate: CalendarDate?
    var releaseDate: CalendarDate?
    var closedAt: Date?
    var closeReason: CaseClosed.Reason?
    var coordinatorCloseReason: CaseClosed.CoordinatorReason?
    var cooperation: CooperationRecorded.Cooperation?
    var openDomains: [Domain]
    var openTasks: Int
    var openEscalations: Int

    init(_ summary: CaseSummary, policy: CoordinatorPolicy) {
        caseId = summary.caseId
        municipality = summary.municipality
        prisonCode = policy.fields.contains(.prisonCode) ? summary.prisonCode : nil
        person = policy.person(summary.person)
        status = summary.status.rawValue
        openedAt = summary.openedAt
        detentionStartDate = summary.detentionStartDate
        expectedReleaseDate = policy.fields.contains(.expectedReleaseDate) ? summary.expectedReleaseDate : nil
        releaseDate = summary.releaseDate
        closedAt = summary.closedAt
        closeReason = summary.closeReason
        coordinatorCloseReason = summary.coordinatorCloseReason
        cooperation = summary.cooperation
        openDomains = summary.openDomains
        openTasks = summary.openTasks
        openEscalations = summary.openEscalations
    }

    /// The fields this shows about the person, as the disclosure log names them.
    static func shownFields(_ summary: CaseSummary, policy: CoordinatorPolicy) -> [String] {
        var shown = policy.shownPersonFields(summary.person) + ["municipality", "detentionStartDate"]
        if policy.fields.contains(.prisonCode) { shown.append("prisonCode") }
        if policy.fields.contains(.expectedReleaseDate) { shown.append("expectedReleaseDate") }
        if summary.releaseDate != nil { shown.append("releaseDate") }
        return shown
    }
}

/// What a command answers about a case: its state, never the person.
struct CaseStateJSON: Encodable {
    var caseId: UUID
    var status: String
    var closedAt: Date?
    var closeReason: CaseClosed.Reason?
    var coordinatorCloseReason: CaseClosed.CoordinatorReason?
    var cooperation: CooperationRecorded.Cooperation?
    var openTasks: Int
    var openEscalations: Int

    init(_ summary: CaseSummary) {
        caseId = summary.caseId
        status = summary.status.rawValue
        closedAt = summary.closedAt
        closeReason = summary.closeReason
        coordinatorCloseReason = summary.coordinatorCloseReason
        cooperation = summary.cooperation
        openTasks = summary.openTasks
        openEscalations = summary.openEscalations
    }
}

struct CaseListJSON: Encodable {
    var cases: [CaseJSON]
    var limit: Int
    var offset: Int
}

struct NeedJSON: Encodable {
    var domain: Domain
    var status: NeedStatus
    var details: NeedDetails?
    var remark: String?

    init(_ need: Need, policy: CoordinatorPolicy) {
        domain = need.domain
        status = need.status
        details = policy.details.contains(need.domain) ? need.details : nil
        remark = policy.remarks.contains(need.domain) ? need.remark : nil
    }
}

/// A task without the plan's content (the needs show that, as the policy allows).
struct TaskJSON: Encodable {
    var taskId: String
    var taskType: TaskType
    var domain: Domain?
    var measure: AlternativeMeasure?
    var partnerId: String
    var partnerRole: PartnerRole
    var status: String
    var deadline: CalendarDate
    var dueAt: Date?
    var urgent: Bool
    var assignedAt: Date
    var statusChangedAt: Date?
    var reassignedFromTaskId: String?

    init(_ task: TaskRecord) {
        taskId = task.taskId
        taskType = task.taskType
        domain = task.domain
        measure = task.measure
        partnerId = task.partnerId
        partnerRole = task.partnerRole
        status = task.status
        deadline = task.deadline
        dueAt = task.dueAt
        urgent = task.urgent
        assignedAt = task.assignedAt
        statusChangedAt = task.statusChangedAt
        reassignedFromTaskId = task.reassignedFromTaskId
    }
}

struct EntryJSON: Encodable {
    var at: Date
    var kind: String
    var code: String
    var taskId: String?
    var escalationId: String?
    var noteId: String?
    var domain: Domain?
    var partnerId: String?
    var by: String?

    init(_ entry: TimelineEntry) {
        at = entry.at
        kind = entry.kind.rawValue
        code = entry.code
        taskId = entry.taskId
        escalationId = entry.escalationId
        noteId = entry.noteId
        domain = entry.domain
        partnerId = entry.partnerId
        by = entry.by
    }
}

struct DisclosureJSON: Encodable {
    var partnerId: String
    var partnerRole: PartnerRole
    var count: Int
    var eventTypes: [String]
    var firstAt: Date
    var lastAt: Date

    init(_ summary: DisclosureSummary) {
        partnerId = summary.partnerId
        partnerRole = summary.partnerRole
        count = summary.count
        eventTypes = summary.eventTypes.map(\.rawValue)
        firstAt = summary.firstAt
        lastAt = summary.lastAt
    }
}

struct NoteJSON: Encodable {
    var noteId: String
    var caseId: UUID
    var text: String
    var author: String
    var at: Date

    init(_ note: CaseNote) {
        noteId = note.noteId
        caseId = note.caseId
        text = note.text
        author = note.author
        at = note.at
    }
}

struct TimelineJSON: Encodable {
    var `case`: CaseJSON
    var needs: [NeedJSON]
    var tasks: [TaskJSON]
    var entries: [EntryJSON]
    var disclosures: [DisclosureJSON]
    var notes: [NoteJSON]

    init(_ timeline: CaseTimeline, policy: CoordinatorPolicy) {
        `case` = CaseJSON(timeline.summary, policy: policy)
        needs = timeline.needs.map { NeedJSON($0, policy: policy) }
        tasks = timeline.tasks.map(TaskJSON.init)
        entries = timeline.entries.map(EntryJSON.init)
        disclosures = timeline.disclosures.map(DisclosureJSON.init)
        notes = timeline.notes.map(NoteJSON.init)
    }

    static func shownFields(_ timeline: CaseTimeline, policy: CoordinatorPolicy) -> [String] {
        var shown = CaseJSON.shownFields(timeline.summary, policy: policy)
        if timeline.needs.contains(where: { policy.details.contains($0.domain) && $0.details != nil }) { shown.append("needs.details") }
        if timeline.needs.contains(where: { policy.remarks.contains($0.domain) && $0.remark != nil }) { shown.append("needs.remark") }
        if !timeline.notes.isEmpty { shown.append("notes.text") }
        return shown
    }
}
