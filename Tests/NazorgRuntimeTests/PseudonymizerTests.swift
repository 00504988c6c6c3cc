import NazorgRuntime
import Testing

/// Known answers, computed apart from the hub (Python's hmac): a pseudonym or partner trace
/// that changed between versions would cut a partner's records loose from their earlier ones.
@Suite struct PseudonymizerTests {
    let partnerIDs = try! PartnerPseudonymizer(secret: Array("pseudonym-known-answer-test-key-0123456789".utf8))
    let subject = String(repeating: "ab", count: 16)

    @Test func partnerPseudonymsAndTracesAreStableKnownAnswers() {
        // Asked twice, in between another partner, so a cached per-partner key must give the same answer.
        for _ in 0..<2 {
            #expect(partnerIDs.subject(subject, for: "woon-test") == "d719bc06044eba2d3a213de39d462033")
            #expect(partnerIDs.subject(subject, for: "id-test") == "edbfbb3d04a47bcd80c4fe04327988e8")
            #expect(partnerIDs.trace(forDisclosureOf: "evt-1", to: "woon-test").description
                    == "00-c6e38b8abcd8d71c6efb34ac65550d7e-30c7cefbab96a9e1-01")
            // The hub's sampling decision carries over; nothing else about the ids changes.
            #expect(partnerIDs.trace(forDisclosureOf: "evt-1", to: "woon-test", sampled: false).description
                    == "00-c6e38b8abcd8d71c6efb34ac65550d7e-30c7cefbab96a9e1-00")
        }
    }

    @Test func randomTracesAreWellFormedAndDistinct() {
        let traces = (0..<1_000).map { _ in TraceParent.random() }
        #expect(Set(traces.map(\.traceID)).count == traces.count)
        for trace in traces {
            #expect(TraceParent(trace.description) == trace)
            #expect(trace.child().traceID == trace.traceID && trace.child().spanID != trace.spanID)
        }
        // Every hex digit shows up in every position of the trace id across a thousand traces.
        for position in 0..<32 {
            let digits = Set(traces.map { Array($0.traceID)[position] })
            #expect(digits.count == 16, "position \(position)")
        }
    }
}
