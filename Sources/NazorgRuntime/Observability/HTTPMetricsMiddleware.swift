import Hummingbird

/// Counts every request a router answers, by route pattern and status, and times it.
///
/// The route label is the pattern the router matched (`/v1/partners/{partnerId}/tasks/{taskId}/status`),
/// never the request's path, which carries partner and task ids and whatever a scanner
/// tries; a path no route matches counts as `unmatched`.
///
/// ``HTTPEndpoint/application(router:name:logger:service:tracer:refreshMetrics:)`` puts it around
/// the whole router, so it sees every route whenever it was added and the final status of
/// errors the router turns into responses. On a router itself it would wrap only the routes
/// added after it.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The route label of requests no route matched.
    public static var unmatched: String { "unmatched" }

    let service: String

    public init(service: String) {
        self.service = service
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(context, status: response.status.code, since: start)
            return response
        } catch {
            // An HTTP error (problem+json included) thrown past the router becomes its own
            // response; anything else becomes a 500.
            record(context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func record(_ context: Context, status: Int, since start: ContinuousClock.Instant) {
        // The router stores the matched pattern in the context, shared by every copy of it;
        // its not-found responder stores "NotFound".
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? Self.unmatched
        HubMetrics.httpRequest(service: service, route: route, status: status, duration: ContinuousClock.now - start)
    }
}

/// A responder with a middleware around it: how a middleware wraps a whole router.
struct MiddlewareResponder<Middleware: RouterMiddleware, Wrapped: HTTPResponder>: HTTPResponder
    where Middleware.Context == Wrapped.Context {
    let middleware: Middleware
    let wrapped: Wrapped

    func respond(to request: Request, context: Wrapped.Context) async throws -> Response {
        try await middleware.handle(request, context: context) { request, context in
            try await wrapped.respond(to: request, context: context)
        }
    }
}
