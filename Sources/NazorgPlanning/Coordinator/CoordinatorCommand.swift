import Foundation
import NazorgContracts
import NazorgRuntime

/// A coordinator's request to planning, decided like any input (``Planner/decide(_:actor:eventId:trace:now:state:)``).
/// Notes and reasons are free text: they are kept in planning, never published or logged.
public enum CoordinatorCommand: Sendable, Hashable {
    case acknowledge(escalationId: String, note: String?)
    case resolve(escalationId: String, note: String)
    case reassign(taskId: String, toPartnerId: String, reason: String)
    case addNote(text: String)
    case close(reason: CaseClosed.CoordinatorReason, note: String?)
    case recordCooperation(CooperationRecorded.Cooperation)

    /// The command's name, for ids and logs.
    public var name: String {
        switch self {
        case .acknowledge: return "acknowledge"
        case .resolve: return "resolve"
        case .reassign: return "reassign"
        case .addNote: return "add-note"
        case .close: return "close"
        case .recordCooperation: return "record-cooperation"
        }
    }

    /// The id of the input a request becomes: the same request (account, command, target and
    /// request id) is the same input, so repeating it changes nothing.
    public static func eventId(_ name: String, target: String, actor: CoordinatorActor, requestId: String) -> String {
        DeterministicID.string("coordinator", name, target, actor.name, requestId)
    }

    /// The task a reassignment creates.
    public static func reassignedTaskId(from taskId: String, eventId: String) -> String {
        DeterministicID.string("task", "reassigned", taskId, eventId)
    }

    /// The note a command keeps (its text, reason or note).
    public static func noteId(eventId: String) -> String {
        DeterministicID.string("note", eventId)
    }

    /// The longest note or reason planning keeps.
    public static let maximumTextLength = 4_000

    /// Checks a note or reason: 1 to 4000 characters, not only spaces, no control characters
    /// but line breaks. The error names the field, never the text.
    public static func validate(_ text: String, field: String) throws(CoordinatorError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CoordinatorError(.invalid, "The \(field) is empty.")
        }
        guard text.count <= maximumTextLength else {
            throw CoordinatorError(.invalid, "The \(field) is longer than \(maximumTextLength) characters.")
        }
        let lineBreaks: Set<Unicode.Scalar> = ["\n", "\r"]
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !lineBreaks.contains($0) }) else {
            throw CoordinatorError(.invalid, "The \(field) contains control characters.")
        }
    }
}
