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
    public static func timestamp(_ date: Date) -> String {
        // Whole milliseconds as an integer, so formatting never truncates a value such as
        // .12299999 (the nearest Double to .123) down to .122.
        let millis = milliseconds(date)
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        let base = Date(timeIntervalSince1970: Double(seconds)).formatted(withoutFractions)
        let digits = String(fraction)
        let padded = String(repeating: "0", count: 3 - digits.count) + digits
        return String(base.dropLast()) + "." + padded + "Z"
    }

    /// Parses an RFC 3339 timestamp with or without fractional seconds, rounded to whole
    /// milliseconds like everything the hub writes.
    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? withFractions.parse(text) { return normalized(date) }
        if let date = try? withoutFractions.parse(text) { return normalized(date) }
        return nil
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
