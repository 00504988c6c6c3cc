import Foundation
import Logging
import NazorgRuntime

/// The problems the coordinator API answers with, beside the runtime's shared ones.
extension ProblemDetails {
    /// Seconds a coordinator's client should wait before trying again after a 503.
    static let coordinatorRetryAfterSeconds = 5

    /// 404 for anything that does not exist in the caller's scope, so a case of another
    /// municipality cannot be told apart from one that does not exist.
    static let coordinatorNotFound = ProblemDetails.notFound("There is nothing with this id that this account may see.")

    /// 422: the request's fields, each by JSON pointer (a query parameter by its name).
    static func invalidFields(_ errors: [FieldError]) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:invalid-request", title: "The request is not valid",
                       status: .unprocessableContent, detail: "\(errors.count) field(s) are missing or invalid; see errors.",
                       errors: errors)
    }

    /// 409: the request does not fit the current state.
    static func coordinatorConflict(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:conflict", title: "The request does not fit the current state",
                       status: .conflict, detail: detail)
    }

    /// 503: the read was not logged in the disclosure log, so it is not answered.
    static var viewLogUnavailable: ProblemDetails {
        var problem = ProblemDetails(
            type: "urn:nazorg-hub:problem:view-log-unavailable", title: "The disclosure log is unavailable", status: .serviceUnavailable,
            detail: "Every read of personal data is logged before it is answered, and the log could not be written. Try again later.")
        problem.retryAfterSeconds = coordinatorRetryAfterSeconds
        return problem
    }

    /// 503: planning's store could not answer.
    static var deskUnavailable: ProblemDetails {
        var problem = ProblemDetails(
            type: "urn:nazorg-hub:problem:store-unavailable", title: "The case store is unavailable", status: .serviceUnavailable,
            detail: "Planning could not read or change its cases. A command with the same Idempotency-Key is safe to send again.")
        problem.retryAfterSeconds = coordinatorRetryAfterSeconds
        return problem
    }
}

/// Runs a desk call and turns what it throws into the answer the contract promises. The
/// desk's message is a sentence without personal data, so it may be repeated; any other
/// error is logged by its type and becomes 503.
func deskCall<T: Sendable>(_ logger: Logger, invalidField: String = "", _ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch let error as CoordinatorError {
        switch error.code {
        case .notFound: throw ProblemDetails.coordinatorNotFound
        case .conflict: throw ProblemDetails.coordinatorConflict(error.message)
        case .invalid: throw ProblemDetails.invalidFields([.init(field: invalidField, detail: error.message)])
        }
    } catch let error as ProblemDetails {
        throw error
    } catch let error as CancellationError {
        throw error
    } catch {
        logger.error("coordinator desk failed", metadata: ["error": .string(error.loggable)])
        throw ProblemDetails.deskUnavailable
    }
}
