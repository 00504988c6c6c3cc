import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Synchronization
import Testing

private let logger = quietLogger("runtime.tracing.tests")

/// What a failing step could say: a message that must never reach a span.
private struct LeakyFailure: Error, CustomStringConvertible {
    var description: String { "person with BSN 999990019 not found" }
}

@Suite("Spans through the real OTLP exporter, to a collector in the test", .serialized)
struct HubTracerTests {
    private func event(trace: TraceParent) throws -> ReceivedEvent {
        let envelope = EventEnvelope(id: "event-1", source: "/tests", type: .detentionPlanShared, time: Date(),
                                     subject: "subject", traceparent: trace)
        return try ReceivedEvent(record: ConsumerRecord(topic: Topics.intakeNotices, partition: 2, offset: 41, key: nil,
                                                        value: Array("{}".utf8), headers: envelope.headers,
                                                        timestampMilliseconds: nil))
    }

    /// Runs `body` with a tracer exporting to a new receiver, then stops the exporter (which
    /// sends what it holds) and returns the receiver.
    private func traced(_ body: (HubTracer) async throws -> Void) async throws -> OTLPReceiver {
        let receiver = OTLPReceiver()
        let base = try await receiver.start()
        let (tracer, exporter) = try HubTracer.make(TracingConfiguration(endpoint: base + "/v1/traces"), service: "runtime-test",
                                                    logger: logger)
        let running = try #require(exporter)
        try await withServices([running]) { try await body(tracer) }
        await receiver.stop()
        return receiver
    }

    @Test func aConsumerSpanContinuesTheRecordsTraceAndWhatItProducesNamesIt() async throws {
        let incoming = TraceParent.random()
        let produced = Mutex<[TraceParent]>([])
        let notice = try event(trace: incoming)
        let receiver = try await traced { tracer in
            await tracer.consuming(notice) { span in
                span.set(.outcome("handled"))
                produced.withLock { $0.append(incoming.child()) }
                try? await tracer.withSpan("inner step", attributes: [.partner("woon-test")]) { _ in
                    produced.withLock { $0.append(incoming.child()) }
                    throw LeakyFailure()
                }
            }
        }
        let spans = try receiver.spans()
        let consumer = try #require(spans.first { $0.name == "process \(Topics.intakeNotices)" })
        #expect(consumer.service == "nazorg-hub-runtime-test")
        #expect(consumer.traceID == incoming.traceID)
        #expect(consumer.parentSpanID == incoming.spanID)
        #expect(consumer.kind == 5)
        #expect(consumer.attributes["messaging.destination.name"] == Topics.intakeNotices)
        #expect(consumer.attributes["messaging.destination.partition.id"] == "2")
        #expect(consumer.attributes["messaging.kafka.offset"] == "41")
        #expect(consumer.attributes["cloudevents.event_type"] == EventType.detentionPlanShared.ceType)
        #expect(consumer.attributes["nazorg.service"] == "runtime-test")
        #expect(consumer.attributes["nazorg.outcome"] == "handled")

        let inner = try #require(spans.first { $0.name == "inner step" })
        #expect(inner.traceID == incoming.traceID)
        #expect(inner.parentSpanID == consumer.spanID)
        #expect(inner.statusCode == 2)
        #expect(inner.attributes["error.type"] == "LeakyFailure")
        #expect(inner.attributes["nazorg.partner.id"] == "woon-test")
        #expect(!receiver.rawBytes.contains(text: "999990019"))

        // What each span's work produced carries that span, so the next hop's span is its child.
        let children = produced.withLock { $0 }
        #expect(children.map(\.description) == ["00-\(incoming.traceID)-\(consumer.spanID)-01",
                                                 "00-\(incoming.traceID)-\(inner.spanID)-01"])
    }

    @Test func aSpanInAnotherTraceIsLinkedNotParented() async throws {
        let mine = TraceParent.random()
        let other = TraceParent.random()
        let notice = try event(trace: mine)
        let receiver = try await traced { tracer in
            await tracer.consuming(notice) { _ in
                // A parked task's trace, continued while another trace's event is handled.
                await tracer.withSpan("decide", continuing: other, links: []) { span in
                    span.link(to: TraceParent.random())
                    #expect(other.child().isSameTrace(as: other))
                }
            }
        }
        let spans = try receiver.spans()
        let consumer = try #require(spans.first { $0.name.hasPrefix("process") })
        let decide = try #require(spans.first { $0.name == "decide" })
        #expect(decide.traceID == other.traceID)
        #expect(decide.parentSpanID == other.spanID)
        #expect(decide.links.contains(ExportedSpan.Link(traceID: consumer.traceID, spanID: consumer.spanID)))
        #expect(decide.links.count == 2)
    }

    @Test func offRecordsNothingAndEveryHopGetsANewSpanID() async throws {
        let (tracer, exporter) = try HubTracer.make(.off, service: "runtime-test", logger: logger)
        #expect(exporter == nil)
        #expect(!tracer.isEnabled)
        let incoming = TraceParent.random()
        let notice = try event(trace: incoming)
        let seen = await tracer.consuming(notice) { span in
            #expect(span.trace == nil)
            #expect(!span.isRecording)
            return incoming.child()
        }
        #expect(seen.traceID == incoming.traceID)
        #expect(seen.spanID != incoming.spanID)
        #expect(seen != incoming.child())
    }
}
