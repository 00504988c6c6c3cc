import Foundation
import Logging
import Testing
@testable import NazorgRuntime

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    private func line(_ message: Logger.Message, _ metadata: Logger.Metadata, handlerMetadata: Logger.Metadata = [:]) -> String {
        var handler = JSONLogHandler(label: "nazorg.tests")
        handler.metadata = handlerMetadata
        return handler.line(for: LogEvent(level: .warning, message: message, metadata: metadata, source: nil,
                                           file: #fileID, function: #function, line: #line))
    }

    @Test func aLineIsOneJSONObjectWithEveryValueEscaped() throws {
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{07} nul \u{00} line-sep \u{2028} ü 🚀"
        let text = line("event dead-lettered", [
            "text": .string(awkward), "count": .stringConvertible(3), "list": .array([.string("a"), .string("\"b\"")]),
            "nested": .dictionary(["z": .string("1"), "a": .string("2")]), "message": .string("must not replace the message"),
        ], handlerMetadata: ["service": .string("filter"), "text": .string("overridden by the event")])
        #expect(text.hasSuffix("}\n"))
        #expect(text.filter { $0 == "\n" }.count == 1, "one line, whatever the values hold")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "event dead-lettered")
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "nazorg.tests")
        #expect(object["text"] as? String == awkward)
        #expect(object["count"] as? String == "3")
        #expect(object["list"] as? [String] == ["a", "\"b\""])
        #expect(object["nested"] as? [String: String] == ["z": "1", "a": "2"])
        #expect(object["service"] as? String == "filter")
        #expect(text.hasPrefix("{\"time\":"))
    }

    @Test func theTimeIsUTCWithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_795_442_709.045)
        let stamp = JSONLogHandler.timestamp(date)
        #expect(stamp == "2026-11-23T14:05:09.045Z" || stamp == "2026-11-23T14:05:09.044Z", "\(stamp)")
        let parsed = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(stamp)
        #expect(abs(parsed.timeIntervalSince(date)) < 0.002)
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
