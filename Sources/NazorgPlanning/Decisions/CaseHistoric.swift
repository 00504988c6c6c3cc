import Foundation
import NazorgContracts

/// An event planning publishes that is also a line in the case's timeline. Codes only: a
/// timeline entry never carries free text.
protocol CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry
}

extension CaseOpened: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .caseOpened, code: "opened", by: actor)
    }
}

extension TaskAssigned: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .taskAssigned, code: taskType.rawValue, taskId: taskId, domain: domain, partnerId: partnerId,
                      by: actor)
    }
}

extension TaskStatusChanged: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .taskStatus, code: status.rawValue, taskId: taskId, domain: domain, partnerId: partnerId,
                      by: actor)
    }
}

extension TaskWithdrawn: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .taskWithdrawn, code: reason.rawValue, taskId: taskId, domain: domain, partnerId: partnerId,
                      by: actor)
    }
}

extension EscalationRaised: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .escalationRaised, code: reason.rawValue, taskId: taskId, escalationId: escalationId,
                      domain: domain, partnerId: partnerId, by: actor)
    }
}

extension EscalationUpdated: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .escalationUpdated, code: status.rawValue, escalationId: escalationId, by: updatedBy)
    }
}

extension CooperationRecorded: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .cooperation, code: cooperation.rawValue, by: recordedBy)
    }
}

extension CaseClosed: CaseHistoric {
    func timelineEntry(at: Date, by actor: String?) -> TimelineEntry {
        TimelineEntry(at: at, kind: .caseClosed, code: reason.rawValue, by: actor)
    }
}
