import Foundation
import NazorgAdapters
import NazorgContracts
import NazorgRuntime
import NazorgTestSupport
import Testing

struct StatusReportTests {
    func fields(_ json: String) -> [String] {
        do {
            _ = try StatusReport.parse(Data(json.utf8))
            return []
        } catch {
            return (error.errors ?? []).map(\.field)
        }
    }

    @Test func validReportsParse() throws {
        #expect(try StatusReport.parse(Data(#"{"status":"accepted"}"#.utf8)) == StatusReport(status: .accepted))
        #expect(try StatusReport.parse(Data(#"{"status":"rejected","reason":"vol"}"#.utf8)) == StatusReport(status: .rejected, reason: "vol"))
    }

    @Test func eachInvalidFieldIsNamedByPointer() {
        #expect(fields(#"{"status":"rejected"}"#) == ["/reason"])
        #expect(fields(#"{}"#) == ["/status"])
        #expect(fields(#"{"status":"done"}"#) == ["/status"])
        #expect(fields(#"{"status":"accepted","reason":""}"#) == ["/reason"])
        #expect(fields(#"{"status":1,"reason":2}"#) == ["/status", "/reason"])
        #expect(fields(#"{"status":"accepted","extra":true}"#) == ["/extra"])
        // A field name that is not a plain identifier is submitted data: not repeated back.
        #expect(fields(#"{"status":"accepted","999990019":true}"#) == [""])
        #expect(fields(#"{"status":"accepted","a/b":true}"#) == [""])
        #expect(fields("[1]") == [""])
        #expect(fields("not json") == [""])
    }

    @Test func aReasonWithControlOrBidiCharactersOrOnlySpacesIsRefusedAndTheRestComposed() throws {
        for bad in ["\\u0000", "a\\nb", "\\u202Eevil", "\\u2066x", "   "] {
            #expect(fields(#"{"status":"rejected","reason":"\#(bad)"}"#) == ["/reason"], "reason \(bad)")
        }
        let decomposed = try StatusReport.parse(Data(#"{"status":"rejected","reason":"Cafe\u0301 vol"}"#.utf8))
        #expect(decomposed.reason == "Caf\u{E9} vol")
        #expect(decomposed.reason?.unicodeScalars.count == 8)
    }

    @Test func reasonLongerThan500CharactersIsRejected() {
        let long = String(repeating: "é", count: 501)
        #expect(fields(#"{"status":"rejected","reason":"\#(long)"}"#) == ["/reason"])
        let limit = String(repeating: "é", count: 500)
        #expect(fields(#"{"status":"rejected","reason":"\#(limit)"}"#) == [])
    }

    @Test func partnerAnswersAreClassified() {
        for status in [200, 202, 204] { #expect(WebhookDeliverer.outcome(status: status) == .delivered) }
        for status in [408, 429, 500, 502, 503] { #expect(WebhookDeliverer.outcome(status: status) == .retry) }
        for status in [301, 400, 401, 403, 404, 409, 422] { #expect(WebhookDeliverer.outcome(status: status) == .rejected) }
    }
}

struct OfferStoreTests {
    @Test func recordingIsIdempotentAndLookupIsPerPartner() async throws {
        let store = try SQLiteOfferStore(path: nil)
        let offer = OfferRecord(offerId: "o-1", taskId: "t-1", partnerId: "p-a", domain: .debts,
                                offeredAt: Date(timeIntervalSince1970: 1_000))
        try await store.record(offer)
        try await store.record(offer)
        try await store.markDelivered(offerId: "o-1", at: Date(timeIntervalSince1970: 2_000))
        try await store.markDelivered(offerId: "o-1", at: Date(timeIntervalSince1970: 3_000))
        let found = try #require(try await store.offer(partnerId: "p-a", taskId: "t-1"))
        #expect(try await store.offer(id: "o-1")?.deliveredAt == Date(timeIntervalSince1970: 2_000))
        #expect(found.domain == .debts)
        #expect(found.deliveredAt == Date(timeIntervalSince1970: 2_000))
        #expect(try await store.offer(partnerId: "p-b", taskId: "t-1") == nil)
    }
}
