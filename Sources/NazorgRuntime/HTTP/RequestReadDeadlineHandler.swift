import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Bounds the time to read one request: from its head to the end of its body. Hummingbird's
/// idle time-out closes a connection that goes silent, but a client that sends a byte now and
/// then keeps it alive forever; this handler closes it once the whole request took too long.
///
/// It sits right after the HTTP codec. When the deadline passes and no answer has started
/// for this request, it answers 408 with `Connection: close` first; either way it closes the
/// connection, which ends the route's body read with an error.
final class RequestReadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    /// Request heads read and response heads written on this connection, so a 408 is written
    /// only when every earlier request has its complete answer and this one has none yet.
    private var requestsRead = 0
    private var responsesStarted = 0
    private var responseOpen = false

    init(limit: Duration, logger: Logger) {
        self.limit = TimeAmount(limit)
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestsRead += 1
            arm(context)
        case .body:
            break
        case .end:
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            responsesStarted += 1
            responseOpen = true
        case .end:
            responseOpen = false
        default:
            break
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        // The isolated event loop runs the closure on the channel's own loop, where the
        // handler and its context live.
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
            self.expired(context)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    private func expired(_ context: ChannelHandlerContext) {
        deadline = nil
        logger.info("http request not received in time: closing the connection", metadata: [
            "http.request_read_timeout_ms": "\(limit.nanoseconds / 1_000_000)",
        ])
        guard !responseOpen, responsesStarted == requestsRead - 1 else {
            context.close(promise: nil)
            return
        }
        responsesStarted += 1
        let body = context.channel.allocator.buffer(bytes: ProblemDetails.requestTimeout.encodedBody)
        let head = HTTPResponse(status: .requestTimeout, headerFields: [
            .connection: "close", .contentType: "application/problem+json", .contentLength: String(body.readableBytes),
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
