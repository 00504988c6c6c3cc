import Foundation

/// The time zone Dutch calendar days are counted in: release days, deadlines, "today".
public enum DutchTime {
    /// Europe/Amsterdam, or nil when the system has no time-zone data (Debian: `tzdata`).
    /// Services that count days refuse to start without it (`ConfigurationError.requireDutchTime`).
    public static let installedZone = TimeZone(identifier: "Europe/Amsterdam")

    /// Europe/Amsterdam; UTC only where nothing checked ``installedZone`` first (tools, tests).
    public static var zone: TimeZone { installedZone ?? .gmt }
}
