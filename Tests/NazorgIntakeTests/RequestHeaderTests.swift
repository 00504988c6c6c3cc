import HTTPTypes
import Hummingbird
import NazorgRuntime
import Testing

@Suite struct RequestHeaderTests {
    private func request(traceparent: String) throws -> Request {
        let name = try #require(HTTPField.Name("traceparent"))
        let head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/v1/notices",
                               headerFields: [name: traceparent])
        return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    }

    @Test func aPlainTraceparentIsContinued() throws {
        let trace = try request(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").continuedTrace
        #expect(trace.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(trace.spanID != "b7ad6b7169203331")
    }

    /// Combining marks make each "digit" one Character that still sorts between "0" and "9";
    /// such a value must never become a trace id in events and logs.
    @Test(arguments: [
        "00-0\u{301}af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0\u{301}1",
        "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",
    ])
    func anythingButPlainLowercaseASCIIStartsANewTrace(value: String) throws {
        let trace = try request(traceparent: value).continuedTrace
        #expect(trace.traceID != "0af7651916cd43dd8448eb211c80319c")
        #expect(trace.traceID.utf8.allSatisfy { $0 < 0x80 })
    }
}
