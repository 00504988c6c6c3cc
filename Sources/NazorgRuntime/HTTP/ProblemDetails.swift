import Foundation
import Hummingbird

/// An RFC 9457 problem document; thrown from a route it becomes an
/// `application/problem+json` response.
public struct ProblemDetails: HTTPResponseError, Codable, Sendable {
    /// One invalid field: a JSON pointer and what is wrong with it (never its value).
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var detail: String

        public init(field: String, detail: String) {
            self.field = field
            self.detail = detail
        }
    }

    public var type: String
    public var title: String
    public var statusCode: Int
    public var detail: String
    public var errors: [FieldError]?
    /// Sent as a `Retry-After` header, not in the body.
    public var retryAfterSeconds: Int?

    public init(type: String, title: String, status: HTTPResponse.Status, detail: String, errors: [FieldError]? = nil) {
        self.type = type
        self.title = title
        self.statusCode = status.code
        self.detail = detail
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        // retryAfterSeconds is a header, so it is not listed here.
        case type, title, statusCode = "status", detail, errors
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(self))))
    }

    public static func invalidRequest(_ errors: [FieldError]) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:invalid-request", title: "The request is not valid", status: .badRequest,
                       detail: "\(errors.count) field(s) are missing or invalid; see errors.", errors: errors)
    }

    public static func kafkaUnavailable(_ detail: String, retryAfterSeconds: Int? = nil) -> ProblemDetails {
        var problem = ProblemDetails(type: "urn:nazorg-hub:problem:kafka-unavailable", title: "The event store is unavailable",
                                     status: .serviceUnavailable, detail: detail)
        problem.retryAfterSeconds = retryAfterSeconds
        return problem
    }

    public static func notFound(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:not-found", title: "Not found", status: .notFound, detail: detail)
    }
}
