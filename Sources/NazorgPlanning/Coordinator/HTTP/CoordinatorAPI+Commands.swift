import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgRuntime

/// The coordinator's commands. Each answers what changed without the person's data, so
/// none of them needs a view logged. Notes and reasons are never logged.
extension CoordinatorAPI {
    func updateEscalation(_ request: Request, _ context: BasicRequestContext, resolve: Bool) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let escalationId = try Self.identifier("escalationId", context)
        let requestId = try Self.requestId(request)
        var reader = try await Self.body(request)
        let body = try EscalationNoteBody.read(&reader, noteRequired: resolve)
        let view = try await deskCall(logger, invalidField: "/note") {
            if resolve, let note = body.note {
                return try await desk.resolve(escalationId: escalationId, note: note, actor: actor, requestId: requestId)
            }
            return try await desk.acknowledge(escalationId: escalationId, note: body.note, actor: actor, requestId: requestId)
        }
        logger.info(resolve ? "escalation resolved" : "escalation acknowledged", metadata: [
            "escalation.id": .string(escalationId), "coordinator.name": .string(actor.name),
        ])
        var answer = view
        answer.person = nil
        return try Self.json(EscalationJSON(answer, policy: nil))
    }

    func reassign(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let taskId = try Self.identifier("taskId", context)
        let requestId = try Self.requestId(request)
        var reader = try await Self.body(request)
        let body = try ReassignBody.read(&reader)
        let task = try await deskCall(logger, invalidField: "/partnerId") {
            try await desk.reassign(taskId: taskId, toPartnerId: body.partnerId, reason: body.reason, actor: actor, requestId: requestId)
        }
        logger.info("task reassigned", metadata: [
            "task.id": .string(taskId), "task.new_id": .string(task.taskId), "partner.id": .string(task.partnerId),
            "coordinator.name": .string(actor.name),
        ])
        return try Self.json(TaskJSON(task))
    }

    func addNote(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let caseId = try Self.caseId(context)
        let requestId = try Self.requestId(request)
        var reader = try await Self.body(request)
        let body = try NoteBody.read(&reader)
        let note = try await deskCall(logger, invalidField: "/text") {
            try await desk.addNote(caseId: caseId, text: body.text, actor: actor, requestId: requestId)
        }
        logger.info("case note added", metadata: ["note.id": .string(note.noteId), "coordinator.name": .string(actor.name)])
        return try Self.json(NoteJSON(note), status: .created)
    }

    func close(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let caseId = try Self.caseId(context)
        let requestId = try Self.requestId(request)
        var reader = try await Self.body(request)
        let body = try CloseBody.read(&reader)
        let summary = try await deskCall(logger, invalidField: "/reason") {
            try await desk.close(caseId: caseId, reason: body.reason, note: body.note, actor: actor, requestId: requestId)
        }
        logger.info("case closed by coordinator", metadata: [
            "case.id": .string(caseId.uuidString.lowercased()), "case.close_reason": .string(body.reason.rawValue),
            "coordinator.name": .string(actor.name),
        ])
        return try Self.json(CaseStateJSON(summary))
    }

    func recordCooperation(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let actor = try accounts.authenticate(request)
        let caseId = try Self.caseId(context)
        let requestId = try Self.requestId(request)
        var reader = try await Self.body(request)
        let body = try CooperationBody.read(&reader)
        let summary = try await deskCall(logger, invalidField: "/cooperation") {
            try await desk.recordCooperation(caseId: caseId, cooperation: body.cooperation, actor: actor, requestId: requestId)
        }
        logger.info("cooperation recorded", metadata: [
            "case.id": .string(caseId.uuidString.lowercased()), "case.cooperation": .string(body.cooperation.rawValue),
            "coordinator.name": .string(actor.name),
        ])
        return try Self.json(CaseStateJSON(summary))
    }
}
