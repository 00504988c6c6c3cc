import Foundation
import NazorgContracts
import NazorgRuntime

extension Planner {
    /// Decides a coordinator's command on the case (`state`). A case outside the actor's
    /// municipalities does not exist for it (``CoordinatorError/notFound``); a command that
    /// does not fit the case's state is a ``CoordinatorError/conflict``, a wrong request
    /// ``CoordinatorError/invalid``. Both throw before anything changes.
    public func decide(_ command: CoordinatorCommand, actor: CoordinatorActor, eventId: String, trace: TraceParent, now: Date,
                       state: CaseState?) throws -> PlanningChange {
        guard let state, actor.scope.covers(state.record.municipality) else {
            throw CoordinatorError(.notFound, "There is no such case.")
        }
        var decision = CaseDecision(planner: self, state: state, eventId: eventId, trace: trace, now: now)
        decision.actor = actor.name
        switch command {
        case .acknowledge(let escalationId, let note):
            try decision.acknowledge(escalationId, note: note)
        case .resolve(let escalationId, let note):
            try decision.resolve(escalationId, note: note)
        case .reassign(let taskId, let partnerId, let reason):
            try decision.reassign(taskId, to: partnerId, reason: reason)
        case .addNote(let text):
            try CoordinatorCommand.validate(text, field: "note")
            decision.keep(decision.note(text), code: "note")
        case .close(let reason, let note):
            try decision.closeForCoordinator(reason, note: note)
        case .recordCooperation(let cooperation):
            try decision.recordCooperation(cooperation)
        }
        return try decision.change()
    }
}
