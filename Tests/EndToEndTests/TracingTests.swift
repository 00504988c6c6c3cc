import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

private let logger = quietLogger("e2e.tracing")

/// A notice whose person data are sentinels: none of them may turn up in an exported span.
private let bsn = "999990019"
private let givenName = "Sentinella"
private let surname = "Traceervlak"
private let birthDate = "1987-06-05"
private let noticeId = "trace-plan-1"
private let notice = """
    {"type":"DetentionPlanShared","noticeId":"\(noticeId)","municipality":"GM0363","prisonCode":"PI-TEST",
     "person":{"bsn":"\(bsn)","givenName":"\(givenName)","surname":"\(surname)","birthDate":"\(birthDate)"},
     "detentionType":"sentence","expectedReleaseDate":"2027-03-15",
     "needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"needed"}],
     "consents":["housing"]}
    """

/// The chain with a collector of exported spans and a notice to submit.
private struct Chain {
    var chain: ServiceChain
    let collector: OTLPReceiver
    let collectorURL: String

    init() async throws {
        chain = try await ServiceChain("traces", partners: [
            .init(id: "woon-trace", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"]),
            .init(id: "idbalie-trace", role: .civilAffairs, domains: [.id]),
        ], logger: logger)
        collector = OTLPReceiver()
        collectorURL = try await collector.start()
    }

    var inbox: Inbox { chain.inbox }
    var services: [ServiceProcess] { chain.services }

    mutating func startServices(_ settings: (String) -> (environment: [String: String], arguments: [String])) async throws {
        try await chain.startServices(settings)
    }

    /// Sends the notice as a desk whose own trace is `desk`, and waits until both partners have their task.
    func submitNotice(desk: TraceParent) async throws {
        try await chain.submit(notice, headers: ["traceparent": desk.description])
        try await waitUntil("both partners received their task", timeout: .seconds(120)) {
            inbox.count("woon-trace") >= 1 && inbox.count("idbalie-trace") >= 1
        }
    }

    func stopServices() async { await chain.stopServices() }

    func stop() async {
        await chain.stop()
        await collector.stop()
    }

    func dump() { chain.dump() }

    func event(on topic: String, _ type: EventType, where matches: (ReceivedEvent) throws -> Bool = { _ in true }) async throws
        -> ReceivedEvent {
        try await chain.event(on: topic, type, where: matches)
    }
}

@Suite("Traces across every service, each its own process", .serialized)
struct TracingTests {
    /// One notice is one trace through intake, planning, the filter and monitoring, continuing
    /// the desk's trace; the filter's decision links it to the partner's own trace, in which
    /// the adapters deliver, and the partner never sees the hub's trace. Intake is switched
    /// on with `--otlp-endpoint`, the others with the standard `OTEL_*` variables.
    @Test func oneNoticeIsOneHubTraceLinkedToEachPartnersOwnTrace() async throws {
        var chain = try await Chain()
        do {
            let collectorURL = chain.collectorURL
            try await chain.startServices { service in
                service == "intake"
                    ? (["OTEL_BSP_SCHEDULE_DELAY": "200"], ["--otlp-endpoint", collectorURL])
                    : (["OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": collectorURL, "OTEL_BSP_SCHEDULE_DELAY": "200"], [])
            }
            let desk = TraceParent.random()
            try await chain.submitNotice(desk: desk)
            let collector = chain.collector
            try await waitUntil("every service exported its spans", timeout: .seconds(90)) {
                let spans = try collector.spans()
                let delivered = Set(spans.filter { $0.name == "POST webhook" }.compactMap { $0.attributes["nazorg.partner.id"] })
                return Set(spans.map(\.service)).isSuperset(of: ["nazorg-hub-intake", "nazorg-hub-planning", "nazorg-hub-filter",
                                                                "nazorg-hub-adapters", "nazorg-hub-monitoring"])
                    && delivered.isSuperset(of: ["woon-trace", "idbalie-trace"])
            }
            await chain.stopServices()
            try await expectOneTrace(chain, desk: desk)
        } catch {
            chain.dump()
            await chain.stop()
            throw error
        }
        await chain.stop()
    }

    private func expectOneTrace(_ chain: Chain, desk: TraceParent) async throws {
        let spans = try chain.collector.spans()
        let byID = Dictionary(spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
        func children(of parent: ExportedSpan, named name: String) -> [ExportedSpan] {
            spans.filter { $0.parentSpanID == parent.spanID && $0.name == name }
        }

        // Intake continues the desk's trace; the record it wrote names its server span.
        let intake = try #require(spans.first { $0.service == "nazorg-hub-intake" && $0.name == "POST /v1/notices" })
        #expect(intake.traceID == desk.traceID)
        #expect(intake.parentSpanID == desk.spanID)
        #expect(intake.kind == 2)
        #expect(intake.attributes["http.response.status_code"] == "202")
        let noticeRecord = try await chain.event(on: Topics.intakeNotices, .detentionPlanShared)
        #expect(noticeRecord.envelope.traceparent.spanID == intake.spanID)

        // Planning handles it as the intake span's child, and its case events name its span.
        let planning = try #require(children(of: intake, named: "process \(Topics.intakeNotices)")
            .first { $0.service == "nazorg-hub-planning" })
        #expect(planning.kind == 5)
        let housingTask = try await chain.event(on: Topics.planningCaseEvents, .taskAssigned) {
            try $0.decode(TaskAssigned.self).partnerId == "woon-trace"
        }
        #expect(housingTask.envelope.traceparent.spanID == planning.spanID)

        // The filter decides on it as the child of its own consumer span (or of the consent's,
        // when the consent came after the task), and links the disclosure to the partner's trace.
        let disclosed = try #require(spans.first {
            $0.name == "decide disclosure" && $0.attributes["nazorg.partner.id"] == "woon-trace"
                && $0.attributes["nazorg.disclosure.decision"] == "disclosed"
        })
        #expect(disclosed.traceID == desk.traceID)
        #expect(disclosed.attributes["nazorg.disclosure.legal_basis"] == "consent")
        let decidedIn = try #require(disclosed.parentSpanID.flatMap { byID[$0] })
        #expect(decidedIn.service == "nazorg-hub-filter")
        #expect(decidedIn.parentSpanID == planning.spanID || decidedIn.parentSpanID == intake.spanID)
        let log = try await chain.event(on: Topics.filterDisclosures, .disclosureLogged) {
            let logged = try $0.decode(DisclosureLogged.self)
            return logged.receiverId == "woon-trace" && logged.reachedPartner
        }
        let logged = try log.decode(DisclosureLogged.self)
        #expect(logged.traceId == desk.traceID)
        #expect(log.envelope.traceparent.spanID == disclosed.spanID)
        let offer = try await chain.event(on: Topics.partnerTasks("woon-trace"), .taskOffered)
        let partnerTrace = offer.envelope.traceparent
        #expect(partnerTrace.traceID == logged.partnerTraceId)
        #expect(partnerTrace.traceID != desk.traceID)
        #expect(disclosed.links == [ExportedSpan.Link(traceID: partnerTrace.traceID, spanID: partnerTrace.spanID)])

        // Monitoring receives its records in a trace of its own (keyed for monitoring, as a
        // partner's is for the partner), so not even a trace id joins its figures with the
        // hub's log; its span hangs under the record's context.
        let observation = try await chain.event(on: Topics.monitoringFeed, .flowObserved) {
            try $0.decode(FlowObserved.self).sourceEventType == .detentionPlanShared
        }
        let monitoringTrace = observation.envelope.traceparent
        #expect(monitoringTrace.traceID != desk.traceID && monitoringTrace.traceID != partnerTrace.traceID)
        #expect(spans.contains { $0.service == "nazorg-hub-monitoring" && $0.traceID == monitoringTrace.traceID
            && $0.parentSpanID == monitoringTrace.spanID })

        // Every span of the hub's trace has its parent among the exported spans, up to intake's,
        // whose parent is the desk's: the chain holds from service to service.
        let hubTrace = spans.filter { $0.traceID == desk.traceID }
        #expect(Set(hubTrace.map(\.service)) == ["nazorg-hub-intake", "nazorg-hub-planning", "nazorg-hub-filter"])
        for span in hubTrace where span.spanID != intake.spanID {
            #expect(span.parentSpanID.flatMap { byID[$0] }?.traceID == desk.traceID, "orphan in the hub's trace: \(span)")
        }

        // The adapters deliver in the partner's trace, a child of the partner record's context,
        // and the partner receives the delivery span, never anything of the hub's trace.
        let adapters = try #require(spans.first { $0.name == "process \(Topics.partnerTasks("woon-trace"))" })
        #expect(adapters.service == "nazorg-hub-adapters")
        #expect(adapters.traceID == partnerTrace.traceID)
        #expect(adapters.parentSpanID == partnerTrace.spanID)
        #expect(adapters.attributes["nazorg.partner.id"] == "woon-trace")
        let delivery = try #require(children(of: adapters, named: "POST webhook").first)
        #expect(delivery.kind == 3)
        #expect(delivery.attributes["nazorg.outcome"] == "delivered")
        #expect(delivery.attributes["http.response.status_code"] == "200")
        let received = try #require(chain.inbox.all.first { $0.partner == "woon-trace" })
        #expect(received.headers["traceparent"] == "00-\(partnerTrace.traceID)-\(delivery.spanID)-01")
        for delivered in chain.inbox.all {
            #expect(!(delivered.body + delivered.headers.values.joined()).contains(desk.traceID))
        }
        #expect(!spans.contains { $0.service == "nazorg-hub-adapters" && $0.traceID == desk.traceID })

        // No exported byte holds the person's data, pseudonyms or the ids of notice, case and task.
        let task = try housingTask.decode(TaskAssigned.self)
        let forbidden = [bsn, givenName, surname, birthDate, noticeId, task.subjectId, task.taskId,
                         task.caseId.uuidString.lowercased(), task.caseId.uuidString, try #require(offer.record.keyText),
                         noticeRecord.envelope.id, housingTask.envelope.id]
        let exported = chain.collector.rawBytes
        for value in forbidden {
            let leaked = exported.contains(text: value)
            #expect(!leaked, "an exported span holds \(value)")
        }
        // Nothing looked like an id to the attribute guard: no wiring mistake hid behind it.
        #expect(!spans.contains { $0.attributes.values.contains(MetricLabel.redacted) })
    }

    /// Without `--otlp-endpoint` or `OTEL_TRACES_EXPORTER=otlp` nothing is exported, even with a
    /// collector address in the environment, and the `traceparent` headers flow as before.
    @Test func withTracingOffNothingIsExported() async throws {
        var chain = try await Chain()
        do {
            let collectorURL = chain.collectorURL
            try await chain.startServices { _ in
                (["OTEL_EXPORTER_OTLP_ENDPOINT": collectorURL, "OTEL_BSP_SCHEDULE_DELAY": "100"], [])
            }
            let desk = TraceParent.random()
            try await chain.submitNotice(desk: desk)
            let noticeRecord = try await chain.event(on: Topics.intakeNotices, .detentionPlanShared)
            #expect(noticeRecord.envelope.traceparent.traceID == desk.traceID)
            let offer = try await chain.event(on: Topics.partnerTasks("woon-trace"), .taskOffered)
            let received = try #require(chain.inbox.all.first { $0.partner == "woon-trace" })
            #expect(received.headers["traceparent"] == offer.envelope.traceparent.description)
            await chain.stopServices()
            #expect(chain.collector.requestCount == 0)
            for service in chain.services {
                #expect(!service.lines.contains { $0.contains("traces exported") }, "\(service.name) started an exporter")
            }
        } catch {
            chain.dump()
            await chain.stop()
            throw error
        }
        await chain.stop()
    }
}
