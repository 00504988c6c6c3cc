extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int` timeouts take.
    public var clampedMilliseconds: Int32 {
        let c = components
        return Int32(clamping: c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000)
    }
}
