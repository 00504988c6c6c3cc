import Foundation
import Hummingbird
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import NIOCore
import NIOPosix
import Testing
@testable import NazorgIntake

/// What a raw TCP client saw: the bytes the server sent, and when it closed the connection
/// (nil when it was still open when the client gave up).
struct RawExchange: Sendable {
    var received: String
    var closedAfter: Duration?
}

/// Opens a TCP connection, writes `chunks` with `pause` between them, and reads until the
/// server closes the connection or `giveUpAfter` passes.
func rawExchange(port: Int, chunks: [String], pause: Duration = .zero, giveUpAfter: Duration) async throws -> RawExchange {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
    let started = ContinuousClock.now
    let raw = channel.channel
    return try await channel.executeThenClose { inbound, outbound in
        enum Event: Sendable { case wrote, closed(String, Duration), gaveUp }
        return try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask {
                for (index, chunk) in chunks.enumerated() {
                    if index > 0 { try? await Task.sleep(for: pause) }
                    // The server may already have closed; the reader reports that.
                    do { try await outbound.write(ByteBuffer(string: chunk)) } catch { break }
                }
                return .wrote
            }
            group.addTask {
                var received = ""
                do {
                    for try await buffer in inbound { received += String(buffer: buffer) }
                } catch {
                    // A reset counts as closed too.
                }
                return .closed(received, ContinuousClock.now - started)
            }
            group.addTask {
                try await Task.sleep(for: giveUpAfter)
                return .gaveUp
            }
            var gaveUp = false
            var result = RawExchange(received: "", closedAfter: nil)
            events: while let event = try await group.next() {
                switch event {
                case .wrote:
                    continue
                case .gaveUp:
                    // Closing ends the reader, which then reports what it got.
                    gaveUp = true
                    try? await raw.close()
                case .closed(let received, let after):
                    result = RawExchange(received: received, closedAfter: gaveUp ? nil : after)
                    break events
                }
            }
            group.cancelAll()
            return result
        }
    }
}

/// Runs the intake service on a free port with `timeouts`; Kafka is never reached.
func withIntakeServer(timeouts: HTTPServerTimeouts, _ body: @Sendable (Int) async throws -> Void) async throws {
    let options = ServiceOptions(kafka: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), port: 0,
                                 dataDirectory: temporaryDataDirectory(), httpTimeouts: timeouts)
    let assembly = try IntakeService.make(options: options, pseudonymizer: pseudonymizer, logger: logger)
    try await withServices(assembly.services) {
        try await body(try await assembly.endpoint.waitForPort())
    }
}

private let head = "POST /v1/notices HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 600\r\n\r\n"

@Suite("HTTP server time-outs", .serialized)
struct HTTPServerTimeoutTests {
    @Test func aBodyThatStallsIsAnswered408AndClosedWithinTheReadBound() async throws {
        try await withIntakeServer(timeouts: HTTPServerTimeouts(idle: .seconds(30), requestRead: .seconds(1))) { port in
            let exchange = try await rawExchange(port: port, chunks: [head + #"{"type":"DetentionPlanShared","#],
                                                 giveUpAfter: .seconds(10))
            let closedAfter = try #require(exchange.closedAfter, "the server kept the stalled connection open")
            #expect(closedAfter < .seconds(1) + .seconds(3))
            #expect(exchange.received.hasPrefix("HTTP/1.1 408"))
            #expect(exchange.received.contains("urn:nazorg-hub:problem:request-timeout"))
        }
    }

    @Test func aBodyThatTricklesInIsCutOffAtTheReadBoundThoughItIsNeverIdle() async throws {
        try await withIntakeServer(timeouts: HTTPServerTimeouts(idle: .seconds(1), requestRead: .seconds(2))) { port in
            // One byte every 200 ms keeps the idle timer quiet; the whole body would take 2 minutes.
            let chunks = [head] + Array(repeating: " ", count: 600)
            let exchange = try await rawExchange(port: port, chunks: chunks, pause: .milliseconds(200), giveUpAfter: .seconds(10))
            let closedAfter = try #require(exchange.closedAfter, "the server kept the trickling connection open")
            #expect(closedAfter < .seconds(2) + .seconds(3))
            #expect(exchange.received.hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test func aConnectionWhoseHeadNeverCompletesIsClosedAfterTheIdleBound() async throws {
        try await withIntakeServer(timeouts: HTTPServerTimeouts(idle: .seconds(1), requestRead: .seconds(30))) { port in
            let exchange = try await rawExchange(port: port, chunks: ["POST /v1/notices HTTP/1.1\r\nHost: 127"],
                                                 giveUpAfter: .seconds(10))
            let closedAfter = try #require(exchange.closedAfter, "the server kept the idle connection open")
            #expect(closedAfter < .seconds(1) + .seconds(3))
        }
    }

    @Test func aCompleteRequestIsAnsweredNormallyUnderTheTimeouts() async throws {
        try await withIntakeServer(timeouts: HTTPServerTimeouts(idle: .seconds(2), requestRead: .seconds(2))) { port in
            let request = "POST /v1/notices HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n{}"
            let exchange = try await rawExchange(port: port, chunks: [request], giveUpAfter: .seconds(10))
            #expect(exchange.received.hasPrefix("HTTP/1.1 400"))
            #expect(exchange.received.contains("urn:nazorg-hub:problem:invalid-request"))
        }
    }
}
