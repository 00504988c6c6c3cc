import NazorgContracts

/// What a deadline counts from.
public enum DeadlineAnchor: String, Sendable, Hashable, Codable, CaseIterable {
    /// The day detention started (the case's opening day when no DetentionStarted came).
    case detentionStart = "detention-start"
    /// The expected release date; once the person is out, the day they actually left.
    case expectedRelease = "expected-release"
    /// The day the person actually left; until then the expected release date stands in.
    case release
    /// The moment the person actually left, counted in hours (first contact: 48 hours).
    case releaseMoment = "release-moment"
}

/// One deadline rule: an anchor and an offset. In YAML: `{anchor: expected-release, days: -28}`
/// or `{anchor: release-moment, hours: 48}`.
public struct DeadlineRule: Sendable, Hashable, Codable {
    public var anchor: DeadlineAnchor
    /// Days after the anchor (negative: before).
    public var days: Int
    /// Hours after the anchor; only for ``DeadlineAnchor/releaseMoment``, where the task gets
    /// an exact `dueAt`.
    public var hours: Int

    public init(_ anchor: DeadlineAnchor, days: Int = 0, hours: Int = 0) {
        self.anchor = anchor
        self.days = days
        self.hours = hours
    }

    private enum CodingKeys: String, CodingKey { case anchor, days, hours }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        anchor = try container.decode(DeadlineAnchor.self, forKey: .anchor)
        days = try container.decodeIfPresent(Int.self, forKey: .days) ?? 0
        hours = try container.decodeIfPresent(Int.self, forKey: .hours) ?? 0
        if let problem {
            throw DecodingError.dataCorruptedError(forKey: .hours, in: container, debugDescription: problem)
        }
    }

    /// Why the rule cannot be used, or nil when it can. Bounded so that no profile can push
    /// date arithmetic anywhere near overflow.
    public var problem: String? {
        guard (-3_650...3_650).contains(days), (0...24 * 365).contains(hours), hours == 0 || anchor == .releaseMoment else {
            return "days must lie within ten years, and hours (0 to 8760) count only from release-moment"
        }
        return nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(anchor, forKey: .anchor)
        if days != 0 { try container.encode(days, forKey: .days) }
        if hours != 0 { try container.encode(hours, forKey: .hours) }
    }
}
