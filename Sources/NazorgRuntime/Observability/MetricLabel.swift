/// The last guard between a value and a label of a time series.
///
/// Labels carry configuration names only: services, topics, route patterns, partner ids,
/// reason codes, legal bases. A value that looks like an id anyway (a UUID such as a task,
/// case or event id, a run of hex digits such as a subject pseudonym) or is implausibly long
/// becomes `redacted`, so a wiring mistake shows up as an odd label, not as a person's
/// pseudonym kept in a metrics database for months.
public enum MetricLabel {
    public static let redacted = "redacted"
    /// Longer than any configuration name the hub uses.
    static let maximumLength = 100
    /// Subject pseudonyms are 32 hex digits; UUIDs have runs of 8 and 12. Names do not have 8.
    static let longestHexRun = 7

    /// `value` when it is safe as a label value, otherwise ``redacted``.
    public static func value(_ value: String) -> String {
        guard value.utf8.count <= maximumLength else { return redacted }
        var run = 0
        for byte in value.utf8 {
            let isHex = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            run = isHex ? run + 1 : 0
            if run > longestHexRun { return redacted }
        }
        return value
    }
}
