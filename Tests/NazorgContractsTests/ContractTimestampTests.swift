import Foundation
import NazorgTestSupport
import Testing
@testable import NazorgContracts

/// The hand-written RFC 3339 formatting and parsing agree with Foundation's ISO 8601 style
/// on every instant, and refuse what it refuses.
@Suite("Contract timestamps")
struct ContractTimestampTests {
    @Test func formattingAgreesWithFoundationFromYearZeroToNineThousandNineHundredNinetyNine() {
        var random = SeededGenerator(seed: 20261123)
        let edges: [Int64] = [0, -1, 951_782_400_000, 1_795_442_709_045, -62_167_219_200_000, 253_402_300_799_999,
                              -2_208_988_800_001, 1_709_164_800_000, 4_107_542_400_000]
        let samples = edges + (0..<20_000).map { _ in Int64.random(in: -62_167_219_200_000...253_402_300_799_999, using: &random) }
        for millis in samples {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
            let expected = ContractCoding.foundationTimestamp(seconds: seconds, fraction: Int(millis - seconds * 1000))
            #expect(ContractCoding.timestamp(date) == expected, "\(millis)")
            #expect(ContractCoding.parseTimestamp(expected) == ContractCoding.normalized(date), "\(expected)")
            #expect(ContractCoding.foundationParse(expected) == ContractCoding.normalized(date), "\(expected)")
        }
    }

    @Test func parsingAgreesWithFoundationOnEveryValidFormAndRefusesImpossibleDates() {
        let agreeing = [
            "2026-11-23T06:31:00Z", "2026-11-23T06:31:00.1Z", "2026-11-23T06:31:00.12Z", "2026-11-23T06:31:00.123Z",
            "2026-11-23T06:31:00.123456789Z", "2024-02-29T23:59:59.999Z", "2000-02-29T00:00:00Z", "1583-01-01T00:00:00Z",
            "1500-03-01T00:00:00Z", "2026-11-23T07:31:00+01:00", "2026-11-23T06:31:00.5+00:00",
            "2026-11-23T06:31:00.Z", "2026-11-23 06:31:00Z", "2026-11-23T06:31:00", "2026-1-23T06:31:00Z",
            "２０２６-11-23T06:31:00Z", "2026-11-23T06:31:0xZ", "", "Z", "not a time at all, not even close",
        ]
        for text in agreeing {
            #expect(ContractCoding.parseTimestamp(text) == ContractCoding.foundationParse(text), "\(text)")
        }
        #expect(ContractCoding.parseTimestamp("2026-11-23T06:31:00.123Z") != nil)
        // Foundation rolls these over to another day; the hub refuses them.
        for impossible in ["2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
                           "2026-11-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T23:60:00Z", "2026-11-23T23:59:60Z",
                           "2026-11-00T00:00:00.5Z"] {
            #expect(ContractCoding.parseTimestamp(impossible) == nil, "\(impossible)")
        }
    }
}
