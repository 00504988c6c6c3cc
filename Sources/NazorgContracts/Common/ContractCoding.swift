import Foundation

/// The JSON coding rules of every nazorg-hub payload.
///
/// Timestamps are RFC 3339 in UTC with millisecond precision
/// (`2026-11-23T06:31:00.123Z`); keys are sorted so equal payloads give equal bytes.
/// The decoder accepts timestamps with or without fractional seconds.
public enum ContractCoding {
    /// A fresh encoder with the contract's settings. JSONEncoder is not Sendable, so each
    /// caller gets its own instead of sharing one.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ContractCoding.timestamp(date))
        }
        return encoder
    }

    /// A fresh decoder with the contract's settings.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ContractCoding.parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Expected an RFC 3339 timestamp")
            }
            return date
        }
        return decoder
    }

    /// Formats `date` as the contract writes it, e.g. `2026-11-23T06:31:00.123Z`
    /// (also the value of the `ce_time` header).
    ///
    /// Written digit by digit for years 1583 to 9999: every event carries several of these,
    /// and Foundation's ISO 8601 style cost more than a whole event's other formatting.
    public static func timestamp(_ date: Date) -> String {
        // Whole milliseconds as an integer, so formatting never truncates a value such as
        // .12299999 (the nearest Double to .123) down to .122.
        let millis = milliseconds(date)
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        // Foundation counts days before the Gregorian reform (October 1582) in the Julian
        // calendar; those rare instants keep going through Foundation, so every instant is
        // written as it always was.
        guard (1583...9999).contains(year) else { return foundationTimestamp(seconds: seconds, fraction: fraction) }
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                value /= 10
            }
        }
        put(Int(year), at: 0, digits: 4)
        put(month, at: 5, digits: 2)
        put(day, at: 8, digits: 2)
        put(secondOfDay / 3600, at: 11, digits: 2)
        put(secondOfDay / 60 % 60, at: 14, digits: 2)
        put(secondOfDay % 60, at: 17, digits: 2)
        put(fraction, at: 20, digits: 3)
        bytes[4] = 0x2D; bytes[7] = 0x2D; bytes[10] = 0x54; bytes[13] = 0x3A; bytes[16] = 0x3A; bytes[19] = 0x2E; bytes[23] = 0x5A
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an RFC 3339 timestamp with or without fractional seconds, rounded to whole
    /// milliseconds like everything the hub writes. The form the hub writes
    /// (`YYYY-MM-DDTHH:MM:SS[.f…]Z`) is read digit by digit, and refused when a field is out
    /// of range (Foundation would turn 29 February 2026 into 1 March); other forms (an
    /// offset instead of `Z`) go through Foundation's ISO 8601 style.
    public static func parseTimestamp(_ text: String) -> Date? {
        switch parseCanonical(text) {
        case .parsed(let date): return date
        case .outOfRange: return nil
        case .otherForm: return foundationParse(text)
        }
    }

    enum CanonicalReading: Equatable {
        case parsed(Date)
        case outOfRange
        case otherForm
    }

    /// The Foundation reading, for every form but the hub's own.
    static func foundationParse(_ text: String) -> Date? {
        if let date = try? withFractions.parse(text) { return normalized(date) }
        if let date = try? withoutFractions.parse(text) { return normalized(date) }
        return nil
    }

    static func foundationTimestamp(seconds: Int64, fraction: Int) -> String {
        let base = Date(timeIntervalSince1970: Double(seconds)).formatted(withoutFractions)
        let digits = String(fraction)
        let padded = String(repeating: "0", count: 3 - digits.count) + digits
        return String(base.dropLast()) + "." + padded + "Z"
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.f…]Z` (years from 1583, after the Gregorian reform).
    static func parseCanonical(_ text: String) -> CanonicalReading {
        let bytes = Array(text.utf8)
        do {  // a scope for `number`
            guard bytes.count >= 20, bytes.count <= 30, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54,
                  bytes[13] == 0x3A, bytes[16] == 0x3A, bytes[bytes.count - 1] == 0x5A else { return .otherForm }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for index in from..<(from + count) {
                    let digit = Int(bytes[index]) - 0x30
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return .otherForm }
            guard year >= 1583 else { return .otherForm }
            var fraction = 0.0
            if bytes.count > 20 {
                guard bytes[19] == 0x2E, bytes.count >= 22 else { return .otherForm }
                var scale = 0.1
                for index in 20..<(bytes.count - 1) {
                    let digit = Int(bytes[index]) - 0x30
                    guard (0...9).contains(digit) else { return .otherForm }
                    fraction += Double(digit) * scale
                    scale /= 10
                }
            }
            guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
                  hour < 24, minute < 60, second < 60 else { return .outOfRange }
            let days = daysFromCivil(year: Int64(year), month: month, day: day)
            let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            return .parsed(normalized(Date(timeIntervalSince1970: Double(seconds) + fraction)))
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (after Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `date` rounded to whole milliseconds: what survives an encode/decode round trip.
    /// Use it for timestamps you compare after decoding.
    public static func normalized(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    private static var withFractions: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    }

    private static var withoutFractions: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)
    }
}
