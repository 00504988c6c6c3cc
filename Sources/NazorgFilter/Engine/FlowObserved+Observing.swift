import Foundation
import NazorgContracts
import NazorgRuntime

/// The pseudonymous monitoring view of each input: pseudonym, case, task, partner, codes
/// and counts, never a name, number, date of birth, prison or free text. The observation id
/// and time are set when it is staged.
extension FlowObserved {
    init(observing notice: IntakeNotice, type: EventType) {
        self.init(observationId: "", sourceEventType: type, subjectId: notice.subjectId, municipality: notice.municipality,
                  occurredAt: Date())
    }

    init(observing task: TaskAssigned) {
        self.init(observationId: "", sourceEventType: .taskAssigned, subjectId: task.subjectId, municipality: task.municipality,
                  caseId: task.caseId, taskId: task.taskId, domain: task.domain, partnerId: task.partnerId, occurredAt: Date())
    }

    init(observing revision: TaskRevised) {
        self.init(observationId: "", sourceEventType: .taskRevised, subjectId: revision.subjectId,
                  municipality: revision.municipality, caseId: revision.caseId, taskId: revision.taskId,
                  domain: revision.domain, partnerId: revision.partnerId, occurredAt: Date())
    }

    init(observing withdrawn: TaskWithdrawn) {
        self.init(observationId: "", sourceEventType: .taskWithdrawn, subjectId: withdrawn.subjectId,
                  municipality: withdrawn.municipality, caseId: withdrawn.caseId, taskId: withdrawn.taskId,
                  domain: withdrawn.domain, partnerId: withdrawn.partnerId, withdrawalReason: withdrawn.reason,
                  occurredAt: Date())
    }

    /// A hot potato's other organisations and time lost stay in planning; the partner named is
    /// the task's.
    init(observing escalation: EscalationRaised) {
        self.init(observationId: "", sourceEventType: .escalationRaised, subjectId: escalation.subjectId,
                  municipality: escalation.municipality, caseId: escalation.caseId, taskId: escalation.taskId,
                  domain: escalation.domain, partnerId: escalation.partnerId, reason: escalation.reason,
                  escalationId: escalation.escalationId, occurredAt: Date())
    }

    /// Where the escalation stands; not who acted, nor the note.
    init(observing update: EscalationUpdated) {
        self.init(observationId: "", sourceEventType: .escalationUpdated, subjectId: update.subjectId,
                  municipality: update.municipality, caseId: update.caseId, escalationId: update.escalationId,
                  escalationStatus: update.status, occurredAt: Date())
    }

    /// The cooperation code; not who recorded it.
    init(observing recorded: CooperationRecorded) {
        self.init(observationId: "", sourceEventType: .cooperationRecorded, subjectId: recorded.subjectId,
                  municipality: recorded.municipality, caseId: recorded.caseId, cooperation: recorded.cooperation,
                  occurredAt: Date())
    }

    /// The other case events, which the filter only observes.
    init(observingCaseEvent event: ReceivedEvent) throws {
        switch event.envelope.type {
        case .caseOpened:
            let opened = try event.decode(CaseOpened.self)
            self.init(observationId: "", sourceEventType: .caseOpened, subjectId: opened.subjectId,
                      municipality: opened.municipality, caseId: opened.caseId, occurredAt: Date())
        case .taskStatusChanged:
            let status = try event.decode(TaskStatusChanged.self)
            guard let subjectId = status.subjectId else {
                throw PoisonEvent(reason: "missing-subject", detail: "a case-event TaskStatusChanged names no subject")
            }
            self.init(observationId: "", sourceEventType: .taskStatusChanged, subjectId: subjectId, caseId: status.caseId,
                      taskId: status.taskId, domain: status.domain, partnerId: status.partnerId, status: status.status,
                      occurredAt: Date())
        case .caseClosed:
            let closed = try event.decode(CaseClosed.self)
            self.init(observationId: "", sourceEventType: .caseClosed, subjectId: closed.subjectId, caseId: closed.caseId,
                      occurredAt: Date())
        case .releaseDayRecorded:
            let recorded = try event.decode(ReleaseDayRecorded.self)
            self.init(observationId: "", sourceEventType: .releaseDayRecorded, subjectId: recorded.subjectId,
                      municipality: recorded.municipality, caseId: recorded.caseId, releaseType: recorded.releaseType,
                      unannounced: recorded.unannounced, coverage: recorded.coverage, occurredAt: Date())
        case .caseHandedOver:
            let handedOver = try event.decode(CaseHandedOver.self)
            self.init(observationId: "", sourceEventType: .caseHandedOver, subjectId: handedOver.subjectId,
                      municipality: handedOver.fromMunicipality, caseId: handedOver.caseId,
                      toMunicipality: handedOver.toMunicipality, occurredAt: Date())
        default:
            throw PoisonEvent(reason: "unexpected-type", detail: "the filter does not observe \(event.envelope.type.rawValue)")
        }
    }
}
