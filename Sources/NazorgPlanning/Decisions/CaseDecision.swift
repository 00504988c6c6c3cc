import Foundation
import NazorgContracts
import NazorgRuntime

/// One decision about one case in the making: the case, its tasks and notices as the
/// decision leaves them, and the events it publishes, in order. Pure: it reads the time
/// only from ``now`` and derives every id from the input's event id or the case.
struct CaseDecision {
    let planner: Planner
    let eventId: String
    let trace: TraceParent
    let now: Date
    let today: CalendarDate
    var record: CaseRecord
    var tasks: [TaskRecord]
    var notices: [NoticeRecord]
    /// The case's escalations as the decision leaves them.
    private(set) var escalations: [EscalationRecord]
    /// Why a revision is published: the reason the change gives partners.
    var revisionReason: TaskRevised.Reason
    /// The coordinator account that acts, for a coordinator's command: what the history
    /// says did it.
    var actor: String?

    private var changedTasks: [String] = []
    private var changedNotices: [String] = []
    private var changedEscalations: [String] = []
    private var notes: [CaseNote] = []
    private var history: [CaseHistoryEntry] = []
    private var entries: [Entry] = []
    /// Revisions wait for the end of the decision, so a task changed twice is revised once,
    /// with what it finally says, and a task withdrawn after a change is not revised at all.
    private var revisions: [String: CalendarDate] = [:]

    private enum Entry {
        case event(OutboxEvent)
        case revision(taskId: String)
    }

    init(planner: Planner, state: CaseState, eventId: String, trace: TraceParent, now: Date,
         revisionReason: TaskRevised.Reason = .planReshared) {
        self.planner = planner
        self.eventId = eventId
        self.trace = trace
        self.now = now
        self.today = CalendarDate(now, in: planner.timeZone)
        self.record = state.record
        self.tasks = state.tasks
        self.notices = state.notices
        self.escalations = state.escalations
        self.revisionReason = revisionReason
    }

    var caseId: UUID { record.caseId }
    var caseKey: String { record.caseId.uuidString.lowercased() }

    // MARK: events

    mutating func publish<P: EventPayload>(_ payload: P, id: String) throws {
        entries.append(.event(try OutboxEvent(payload, id: id, topic: Topics.planningCaseEvents, key: record.subjectId,
                                              trace: trace.child(), time: now)))
        if let historic = payload as? any CaseHistoric {
            history.append(CaseHistoryEntry(key: id, caseId: caseId, entry: historic.timelineEntry(at: now, by: actor)))
        }
    }

    /// Puts the case on the coordinator's desk. `key` makes the id: the same situation in
    /// the same case escalates once, whatever input meets it again.
    mutating func escalate(_ reason: EscalationRaised.Reason, key: [String], taskId: String? = nil, dueAt: Date? = nil) throws {
        let id = DeterministicID.string(parts: ["escalation"] + key)
        let task = taskId.flatMap { taskId in tasks.first { $0.taskId == taskId } }
        try raise(EscalationRaised(escalationId: id, caseId: caseId, subjectId: record.subjectId,
                                   municipality: record.municipality, taskId: taskId, reason: reason,
                                   domain: task?.domain, partnerId: task?.partnerId, dueAt: dueAt, raisedAt: now))
    }

    // MARK: rows

    func taskIndex(_ taskId: String) -> Int? { tasks.firstIndex { $0.taskId == taskId } }

    /// Takes the task as it now is. A new status is stamped with the decision's time (what
    /// response times and the wait for consent count from), and a rejection is remembered.
    mutating func update(_ task: TaskRecord) {
        var task = task
        let previous = taskIndex(task.taskId).map { tasks[$0] }
        if previous?.status != task.status {
            task.statusChangedAt = now
            if task.status == TaskStatus.rejected.rawValue { task.rejectedAt = now }
        }
        if let index = taskIndex(task.taskId) { tasks[index] = task } else { tasks.append(task) }
        if !changedTasks.contains(task.taskId) { changedTasks.append(task.taskId) }
    }

    /// Takes the escalation as it now stands on the coordinator's desk.
    mutating func update(_ escalation: EscalationRecord) {
        if let index = escalations.firstIndex(where: { $0.escalationId == escalation.escalationId }) {
            escalations[index] = escalation
        } else {
            escalations.append(escalation)
        }
        if !changedEscalations.contains(escalation.escalationId) { changedEscalations.append(escalation.escalationId) }
    }

    /// Keeps a coordinator's free text in the case, with a history line that says what it is
    /// about (`code`, never the text).
    mutating func keep(_ note: CaseNote, code: String, taskId: String? = nil, escalationId: String? = nil) {
        notes.append(note)
        history.append(CaseHistoryEntry(key: note.noteId, caseId: caseId,
                                        entry: TimelineEntry(at: note.at, kind: .note, code: code, taskId: taskId,
                                                             escalationId: escalationId, noteId: note.noteId, by: note.author)))
    }

    /// Remembers the notice in the case (a repeat of the same notice id replaces the row).
    mutating func remember(_ notice: IntakeNotice, correcting: String?) {
        let row = NoticeRecord(noticeId: notice.noticeId, caseId: caseId, type: notice.eventType, eventId: eventId,
                               correctsNoticeId: correcting, receivedAt: now)
        remember(row)
    }

    mutating func remember(_ row: NoticeRecord) {
        if let index = notices.firstIndex(where: { $0.noticeId == row.noticeId }) { notices[index] = row } else { notices.append(row) }
        if !changedNotices.contains(row.noticeId) { changedNotices.append(row.noticeId) }
    }

    /// Marks a task as revised by this input; published at the end if it is still open.
    mutating func markRevised(_ task: TaskRecord, previousDeadline: CalendarDate) {
        if revisions[task.taskId] == nil {
            revisions[task.taskId] = previousDeadline
            entries.append(.revision(taskId: task.taskId))
        }
    }

    /// What the decision came to: the rows it changed and its events, in order, once every
    /// escalation whose situation ended is resolved.
    mutating func change() throws -> PlanningChange {
        try resolveEscalationsWhoseSituationEnded()
        var outbox: [OutboxEvent] = []
        for entry in entries {
            switch entry {
            case .event(let event):
                outbox.append(event)
            case .revision(let taskId):
                guard let task = tasks.first(where: { $0.taskId == taskId }), task.isOpen,
                      let previous = revisions[taskId] else { continue }
                let id = DeterministicID.string("TaskRevised", taskId, eventId)
                let revised = TaskRevised(revisionId: id, task: assigned(task), previousDeadline: previous,
                                          reason: revisionReason, revisedAt: now)
                outbox.append(try OutboxEvent(revised, id: id, topic: Topics.planningCaseEvents, key: record.subjectId,
                                              trace: trace.child(), time: now))
            }
        }
        var change = PlanningChange(upsertCases: [record],
                              upsertTasks: changedTasks.compactMap { id in tasks.first { $0.taskId == id } },
                              upsertNotices: changedNotices.compactMap { id in notices.first { $0.noticeId == id } },
                              outbox: outbox,
                              upsertEscalations: changedEscalations.compactMap { id in
                                  escalations.first { $0.escalationId == id }
                              },
                              notes: notes, history: history)
        change.timers = [CaseTimers(caseId: caseId, timers: pendingTimers())]
        return change
    }

    /// The task in the shape partners are told about it.
    func assigned(_ task: TaskRecord) -> TaskAssigned {
        TaskAssigned(taskId: task.taskId, caseId: caseId, subjectId: record.subjectId, municipality: record.municipality,
                     prisonCode: record.prisonCode, person: record.person, taskType: task.taskType, domain: task.domain,
                     details: task.details, remark: task.remark, partnerId: task.partnerId, partnerRole: task.partnerRole,
                     deadline: task.deadline, dueAt: task.dueAt, urgent: task.urgent,
                     expectedReleaseDate: record.expectedReleaseDate, measure: task.measure,
                     reassignedFromTaskId: task.reassignedFromTaskId, assignedAt: now)
    }
}

extension DeterministicID {
    /// ``string(_:)`` for parts assembled at run time: DeterministicID joins its parts with
    /// U+001F, so one part holding them joined gives the same id.
    static func string(parts: [String]) -> String {
        string(parts.joined(separator: "\u{1F}"))
    }
}
