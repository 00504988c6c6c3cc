import Foundation
import NazorgContracts
import NazorgRuntime

/// A partner's status report: the body of `POST /v1/partners/{partnerId}/tasks/{taskId}/status`.
public struct StatusReport: Sendable, Equatable {
    public var status: TaskStatus
    /// Free text; required for a rejection. Never logged.
    public var reason: String?

    public init(status: TaskStatus, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }

    /// Parses and validates a request body against the `StatusReport` schema of
    /// `Contracts/openapi/adapters.yaml`, naming every invalid field by JSON pointer.
    /// Messages never echo values.
    public static func parse(_ body: Data) throws(ProblemDetails) -> StatusReport {
        guard let object = (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) as? [String: Any] else {
            throw .invalidRequest([.init(field: "", detail: "The body must be a JSON object.")])
        }
        var errors: [ProblemDetails.FieldError] = []
        var unnamed = false
        for name in object.keys.sorted() where name != "status" && name != "reason" {
            // A plain identifier is named; anything else is submitted data and is not repeated.
            if InputText.fullyMatches(name, pattern: ContractPatterns.fieldName) {
                errors.append(.init(field: "/" + name, detail: "This field is not allowed."))
            } else {
                unnamed = true
            }
        }
        if unnamed { errors.append(.init(field: "", detail: "The body has a field name that is not allowed.")) }

        var status: TaskStatus?
        switch object["status"] {
        case nil:
            errors.append(.init(field: "/status", detail: "A status is required."))
        case let text as String where TaskStatus.partnerReportable.contains(where: { $0.rawValue == text }):
            status = TaskStatus(rawValue: text)
        default:
            let allowed = TaskStatus.partnerReportable.map(\.rawValue).joined(separator: ", ")
            errors.append(.init(field: "/status", detail: "The status must be one of \(allowed)."))
        }

        var reason: String?
        switch object["reason"] {
        case nil:
            if status == .rejected {
                errors.append(.init(field: "/reason", detail: "A rejection needs a reason."))
            }
        case let text as String:
            let composed = InputText.composed(text)
            if composed.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.append(.init(field: "/reason", detail: "The reason must not be empty."))
            } else if InputText.containsForbidden(composed) {
                errors.append(.init(field: "/reason", detail: "The reason must not contain control or bidirectional-override characters."))
            } else if composed.unicodeScalars.count > TaskStatusChanged.maximumReasonLength {
                errors.append(.init(field: "/reason",
                                    detail: "The reason must be at most \(TaskStatusChanged.maximumReasonLength) characters."))
            } else {
                reason = composed
            }
        default:
            errors.append(.init(field: "/reason", detail: "The reason must be a string."))
        }

        guard errors.isEmpty, let status else { throw .invalidRequest(errors) }
        return StatusReport(status: status, reason: reason)
    }
}
