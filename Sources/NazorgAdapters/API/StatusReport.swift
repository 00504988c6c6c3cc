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
        for name in object.keys.sorted() where name != "status" && name != "reason" {
            errors.append(.init(field: "/" + jsonPointerEscaped(name), detail: "This field is not allowed."))
        }

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
            if text.isEmpty {
                errors.append(.init(field: "/reason", detail: "The reason must not be empty."))
            } else if text.unicodeScalars.count > TaskStatusChanged.maximumReasonLength {
                errors.append(.init(field: "/reason",
                                    detail: "The reason must be at most \(TaskStatusChanged.maximumReasonLength) characters."))
            } else {
                reason = text
            }
        default:
            errors.append(.init(field: "/reason", detail: "The reason must be a string."))
        }

        guard errors.isEmpty, let status else { throw .invalidRequest(errors) }
        return StatusReport(status: status, reason: reason)
    }

    /// RFC 6901: `~` becomes `~0` and `/` becomes `~1`.
    static func jsonPointerEscaped(_ name: String) -> String {
        let short = name.count > 64 ? String(name.prefix(64)) : name
        return short.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
