import Hummingbird

/// Serves every request of an API route inside a server span that continues the caller's
/// `traceparent` (when it sent a valid one), so what the request publishes carries the span.
///
/// Health checks and `/metrics` scrapes are not traced: they come every few seconds and
/// follow no notice. The span is named by method and route pattern, never the raw path,
/// which holds partner and task ids.
struct TracingMiddleware<Context: RequestContext>: RouterMiddleware {
    let tracer: HubTracer

    static var standardMethods: Set<String> { ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard tracer.isEnabled, !path.hasPrefix("/health/"), path != MetricsRoutes.path else {
            return try await next(request, context)
        }
        // The method is the caller's text: names outside the standard ones are one name.
        let method = Self.standardMethods.contains(request.method.rawValue) ? request.method.rawValue : "_OTHER"
        // The router's failures become responses further out; the span records their status
        // and rethrows them unchanged.
        let result: Result<Response, any Error> = await tracer.withSpan(
            method, kind: .server, continuing: request.callerTrace, attributes: [.httpMethod(method)]
        ) { span in
            let result: Result<Response, any Error>
            do {
                result = .success(try await next(request, context))
            } catch {
                result = .failure(error)
            }
            let status = switch result {
            case .success(let response): response.status.code
            case .failure(let error): (error as? any HTTPResponseError)?.status.code ?? 500
            }
            // The router stores the matched pattern in the context, shared by every copy of it.
            let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
            if let route {
                span.rename("\(method) \(route)")
                span.set(.httpRoute(route))
            }
            span.set(.httpStatus(status))
            if status >= 500 { span.fail(errorType: String(status)) }
            return result
        }
        return try result.get()
    }
}
