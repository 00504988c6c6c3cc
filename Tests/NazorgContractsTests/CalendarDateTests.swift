import Foundation
import NazorgContracts
import Testing

@Suite("Calendar dates never trap on input")
struct CalendarDateTests {
    @Test func arithmeticPastTheCalendarsEdgesThrows() throws {
        let last = try #require(CalendarDate(string: "9999-12-31"))
        let first = try #require(CalendarDate(string: "0001-01-01"))
        #expect(throws: CalendarDateError.outOfRange) { try last.adding(days: 1) }
        #expect(throws: CalendarDateError.outOfRange) { try first.adding(days: -1) }
        #expect(throws: CalendarDateError.outOfRange) { try first.adding(days: Int.max) }
        #expect(throws: CalendarDateError.outOfRange) { try last.adding(days: Int.min) }
        #expect(try last.adding(days: -365) == CalendarDate(year: 9998, month: 12, day: 31))
        #expect(CalendarDate(daysSinceEpoch: Int.max) == nil && CalendarDate(daysSinceEpoch: Int.min) == nil)
        #expect(CalendarDate(daysSinceEpoch: last.daysSinceEpoch) == last)
        #expect(CalendarDate(daysSinceEpoch: first.daysSinceEpoch) == first)
    }

    @Test func instantsOutsideTheCalendarAreClampedNotTrapped() {
        let amsterdam = TimeZone(identifier: "Europe/Amsterdam") ?? .gmt
        #expect(CalendarDate(Date(timeIntervalSince1970: 1e15), in: amsterdam) == CalendarDate(year: 9999, month: 12, day: 31))
        #expect(CalendarDate(Date(timeIntervalSince1970: -1e15), in: amsterdam) == CalendarDate(year: 1, month: 1, day: 1))
        #expect(CalendarDate(Date(timeIntervalSince1970: 0), in: .gmt) == CalendarDate(year: 1970, month: 1, day: 1))
    }

    @Test func coarseningGoesBackToTheStartOfTheWeekOrMonth() throws {
        let thursday = try #require(CalendarDate(string: "2027-04-15"))
        #expect(thursday.coarsened(to: .day) == thursday)
        #expect(thursday.coarsened(to: .week) == CalendarDate(year: 2027, month: 4, day: 12))
        #expect(thursday.coarsened(to: .month) == CalendarDate(year: 2027, month: 4, day: 1))
        let monday = try #require(CalendarDate(string: "2027-04-12"))
        #expect(monday.coarsened(to: .week) == monday)
        let sunday = try #require(CalendarDate(string: "2027-04-18"))
        #expect(sunday.coarsened(to: .week) == monday)
        #expect(try #require(CalendarDate(string: "0001-01-01")).coarsened(to: .week) == CalendarDate(year: 1, month: 1, day: 1))
    }
}

@Suite("Contract patterns")
struct ContractPatternTests {
    /// The Swift patterns say what `Contracts/schemas/common.json` says.
    @Test func patternsFollowTheCommonSchema() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Contracts/schemas/common.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        func pattern(_ name: String) throws -> String {
            let def = try #require(defs[name] as? [String: Any])
            let raw = try #require(def["pattern"] as? String)
            return "\\A" + raw.dropFirst().dropLast() + "\\z"
        }
        #expect(try pattern("PartnerId") == ContractPatterns.partnerId)
        let identifier = try #require(defs["Identifier"] as? [String: Any])
        #expect(ContractPatterns.identifier == "\\A[A-Za-z0-9._:-]{1,\(try #require(identifier["maxLength"] as? Int))}\\z")
        #expect(try pattern("Identifier") == "\\A[A-Za-z0-9._:-]+\\z")
    }
}
