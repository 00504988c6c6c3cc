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
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encodedBody)))
    }

    /// The JSON body of this problem, keys sorted.
    public var encodedBody: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Strings, integers and arrays of them always encode.
        return (try? encoder.encode(self)).map(Array.init) ?? Array(#"{"status":\#(statusCode)}"#.utf8)
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

    /// 415: the body is not `application/json`.
    public static let unsupportedMediaType = ProblemDetails(
        type: "urn:nazorg-hub:problem:unsupported-media-type", title: "Unsupported media type", status: .unsupportedMediaType,
        detail: "Send the body as application/json (UTF-8).")

    /// 408: the request was not received completely in time.
    public static let requestTimeout = ProblemDetails(
        type: "urn:nazorg-hub:problem:request-timeout", title: "Request not received in time", status: .requestTimeout,
        detail: "The request body did not arrive in time; the connection is closed. Send it again.")

    public static func notFound(_ detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:nazorg-hub:problem:not-found", title: "Not found", status: .notFound, detail: detail)
    }
}
