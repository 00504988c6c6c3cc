import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing

@Suite struct EnvelopeTests {
    @Test func envelopeRoundTripsThroughHeaders() throws {
        let envelope = EventEnvelope(id: "e-1", source: "/nazorg-hub/test", type: .caseOpened,
                                     time: ContractCoding.normalized(Date()), subject: "s", traceparent: .random())
        #expect(try EventEnvelope(headers: envelope.headers) == envelope)
    }

    @Test func recordsWithoutEnvelopeAreRejectedWithTheReason() {
        #expect(throws: EventDecodingError.self) { try EventEnvelope(headers: []) }
        let unknown = [KafkaHeader("ce_specversion", "1.0"), KafkaHeader("ce_id", "x"), KafkaHeader("ce_source", "/x"),
                       KafkaHeader("ce_type", "nl.nazorg.NoSuchThing.v1"), KafkaHeader("ce_time", "2026-01-01T00:00:00Z")]
        do {
            _ = try EventEnvelope(headers: unknown)
            Issue.record("an unknown type was accepted")
        } catch {
            #expect(error.reason == .unknownType)
        }
    }

    @Test func payloadErrorsNameThePathNotTheValue() throws {
        let envelope = EventEnvelope(id: "e", source: "/t", type: .consentGiven, time: Date(), subject: nil, traceparent: .random())
        let secret = "999990019"
        let record = ConsumerRecord(topic: "t", partition: 0, offset: 0, key: nil,
                                    value: Array(#"{"consentId":"\#(secret)","domain":"nope"}"#.utf8),
                                    headers: envelope.headers, timestampMilliseconds: nil)
        do {
            _ = try ReceivedEvent(record: record).decode(ConsentGiven.self)
            Issue.record("an invalid payload was accepted")
        } catch {
            #expect(error.reason == .invalidPayload)
            #expect(!error.message.contains(secret))
        }
    }

    @Test func traceparentParsesAndContinues() throws {
        let parent = try #require(TraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
        let child = parent.child()
        #expect(child.traceID == parent.traceID)
        #expect(child.spanID != parent.spanID)
        #expect(TraceParent("00-00000000000000000000000000000000-b7ad6b7169203331-01") == nil)
        #expect(TraceParent("garbage") == nil)
        // "0" plus a combining mark is one Character; only plain ASCII hex may pass.
        #expect(TraceParent("00-0af7651916cd43dd8448eb211c80319\u{301}c-b7ad6b7169203331-01") == nil)
        #expect(TraceParent("00-0af7651916cd43dd8448eb211c8031\u{0661}c-b7ad6b7169203331-01") == nil)
    }

    @Test func pseudonymIsStableKeyedAndHidesTheBSN() throws {
        let a = try SubjectPseudonymizer(secret: Array(repeating: 1, count: 32))
        let b = try SubjectPseudonymizer(secret: Array(repeating: 2, count: 32))
        let p = a.pseudonym(forBSN: "999990019")
        #expect(p.count == 32)
        #expect(p == a.pseudonym(forBSN: "999990019"))
        #expect(p != b.pseudonym(forBSN: "999990019"))
        #expect(p != a.pseudonym(forBSN: "999990020"))
        #expect(!p.contains("999990019"))
        #expect(throws: ConfigurationError.self) { try SubjectPseudonymizer(secret: [1, 2, 3]) }
    }

    @Test func deterministicIdsRepeatForTheSameInput() {
        #expect(DeterministicID.string("a", "b") == DeterministicID.string("a", "b"))
        #expect(DeterministicID.string("a", "b") != DeterministicID.string("ab"))
        #expect(DeterministicID.string("x").count == 36)
    }

    @Test func partnerDirectoryRejectsBadEntries() throws {
        let good = """
            partners:
              - {id: woon-a, name: A, role: housing-corporation, domains: [housing], municipalities: [GM0363], webhook: "http://127.0.0.1:1/x"}
              - {id: woon-b, name: B, role: housing-corporation, domains: [housing], municipalities: ["*"]}
            """
        let directory = try PartnerDirectory(yaml: good)
        #expect(directory.partner(for: .housing, in: "GM0363")?.id == "woon-a")
        #expect(directory.partner(for: .housing, in: "GM0599")?.id == "woon-b")
        #expect(directory.partner(for: .debts, in: "GM0363") == nil)
        #expect(throws: ConfigurationError.self) {
            try PartnerDirectory(yaml: "partners:\n  - {id: X!, name: A, role: probation, domains: [id], municipalities: ['*']}")
        }
        #expect(throws: ConfigurationError.self) {
            try PartnerDirectory(yaml: "partners:\n  - {id: ok-id, name: A, role: probation, domains: [id], municipalities: [GM9999]}")
        }
    }
}

@Suite struct CallerTokensTests {
    @Test func tokenFilesAreCheckedWhenLoaded() throws {
        #expect(throws: ConfigurationError.self) {
            try CallerTokens(callers: [.init(name: "a", sha256: "not-a-hash", scopes: ["PI-X"])])
        }
        #expect(throws: ConfigurationError.self) {
            try CallerTokens(callers: [.init(name: "a", sha256: CallerTokens.hash("t"), scopes: [])])
        }
        #expect(throws: ConfigurationError.self) {
            try CallerTokens(callers: [.init(name: "a", sha256: CallerTokens.hash("t"), scopes: ["PI-X"]),
                                       .init(name: "b", sha256: CallerTokens.hash("t"), scopes: ["PI-Y"])])
        }
        let caller = CallerTokens.Caller(name: "rcn", sha256: CallerTokens.hash("t"), scopes: ["*"])
        #expect(caller.allows("PI-ANY"))
        #expect(CallerTokens.hash("test") == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    }
}
