extension HubTracer {
    /// The handling of one consumed event, as a consumer span whose parent is the span that
    /// produced the event (its `traceparent` header): one span per event, so that following
    /// one notice leads through every service that handled it.
    public func consuming<T>(_ event: ReceivedEvent, _ body: (TraceSpan) async throws -> T) async rethrows -> T {
        guard isEnabled else { return try await body(.off) }
        let record = event.record
        return try await withSpan("process \(record.topic)", kind: .consumer, continuing: event.envelope.traceparent,
                                  attributes: [.kafka, .operation("process"), .topic(record.topic),
                                               .partition(record.partition), .offset(record.offset),
                                               .eventType(event.envelope.type)], body)
    }
}
