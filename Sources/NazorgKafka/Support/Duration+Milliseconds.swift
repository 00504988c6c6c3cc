extension Duration {
    /// Whole milliseconds, clamped to `0...Int32.max` as librdkafka's `int` timeouts take them.
    /// A negative duration becomes 0, never librdkafka's -1 ("wait forever"), and a huge one
    /// saturates instead of overflowing.
    public var clampedMilliseconds: Int32 {
        let c = components
        guard c.seconds >= 0 else { return 0 }
        let (ms, overflow) = c.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int32.max }
        let (total, overflowAgain) = ms.addingReportingOverflow(c.attoseconds / 1_000_000_000_000_000)
        if overflowAgain { return Int32.max }
        return Int32(clamping: max(total, 0))
    }
}
