/// How long an HTTP server waits for a client before it gives up on the connection.
///
/// Both bounds protect the service from slow or stalled clients (one such client would
/// otherwise hold a connection, and a request task, open indefinitely).
public struct HTTPServerTimeouts: Sendable, Equatable {
    /// How long a connection may be silent while the server waits for it: for a request's
    /// head to complete, for the next bytes of a body, or for the next request on a
    /// kept-alive connection. The server then closes the connection. Default 15 s.
    public var idle: Duration
    /// How long the server reads one request, from its complete head to the end of its body,
    /// however steadily the bytes trickle in. The server then answers 408 (when it has not
    /// started an answer yet) and closes the connection. Default 20 s.
    public var requestRead: Duration

    public init(idle: Duration = .seconds(15), requestRead: Duration = .seconds(20)) {
        self.idle = idle
        self.requestRead = requestRead
    }
}
