import NazorgKafka

/// Handles a consumer's events a batch at a time: each event is decided on its own, in
/// order, and what the decisions produce is written for the whole batch at once.
///
/// ``EventConsumerService`` calls ``stage(_:into:)`` for every event of a batch, then
/// writes every staged audit record and waits for all their acknowledgements, then writes
/// every other staged record and waits for those, then calls ``finish(_:)`` with the
/// effects of the events in order, and only then commits the batch's offsets. One broker
/// round trip per wave, instead of two or three per event.
///
/// A crash at any point repeats the batch: staging must therefore only make changes that
/// a repetition makes again harmlessly (an upsert, a flag), records must carry ids derived
/// from their input, and a change that would lose information if the records were never
/// written belongs in the effect, which is applied after they were.
public protocol BatchEventHandler: Sendable {
    /// What handling one event leaves to do once the batch's records were acknowledged.
    associatedtype Effect: Sendable

    /// Called with every readable event of a batch before the first is staged: a chance to
    /// read, or do, in one go what staging each event would do alone (planning applies the
    /// whole batch in one transaction here). Only an optimisation: when it throws, the batch
    /// is staged anyway, and staging must then do the work itself; staging an event that
    /// `prepare` handled must repeat nothing harmful.
    func prepare(_ events: [ReceivedEvent]) async throws

    /// Decides one event. Records go into `records`; throwing ``PoisonEvent`` or
    /// `EventDecodingError` sends the event to the dead letters (what it staged is dropped),
    /// any other error is retried.
    func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws -> Effect

    /// Applies the effects of a batch's handled events, in their order; called after every
    /// record they staged was acknowledged. One transaction is the intent.
    func finish(_ effects: [Effect]) async throws
}

extension BatchEventHandler {
    public func prepare(_ events: [ReceivedEvent]) async throws {}
}

/// The records handling events produced, in two waves.
///
/// A record may be staged as a closure that builds it: encoding is most of a filter's work
/// per event, and a closure is run when the batch is written, in the task that writes it,
/// while the next batch is being decided on the other core. The decision itself (what is
/// written, to which topic) is taken when staging.
public struct StagedRecords: Sendable {
    struct Entry: Sendable {
        let topic: String
        let build: @Sendable () throws -> ProducerRecord
    }

    /// Written, and acknowledged, before any record of the other wave of the same batch: the
    /// disclosure log, whose record must exist before the disclosure does.
    private(set) var audit: [Entry] = []
    /// Everything else, in the order staged (records with one key keep their order).
    private(set) var records: [Entry] = []

    public init() {}

    public mutating func writeFirst(_ record: ProducerRecord) { audit.append(Entry(topic: record.topic) { record }) }
    public mutating func write(_ record: ProducerRecord) { records.append(Entry(topic: record.topic) { record }) }

    /// Stages an audit record that `build` makes when the batch is written; `build` must not
    /// depend on anything staging changes later.
    public mutating func writeFirst(topic: String, building build: @escaping @Sendable () throws -> ProducerRecord) {
        audit.append(Entry(topic: topic, build: build))
    }

    /// Stages a record that `build` makes when the batch is written.
    public mutating func write(topic: String, building build: @escaping @Sendable () throws -> ProducerRecord) {
        records.append(Entry(topic: topic, build: build))
    }

    public var isEmpty: Bool { audit.isEmpty && records.isEmpty }

    /// The topics of every staged record, audit records first.
    var topics: [String] { (audit + records).map(\.topic) }

    func builtAudit() throws -> [ProducerRecord] { try audit.map { try $0.build() } }
    func builtRecords() throws -> [ProducerRecord] { try records.map { try $0.build() } }

    mutating func append(_ other: StagedRecords) {
        audit += other.audit
        records += other.records
    }
}

/// A handler that does all its work in a closure, one event after another, with nothing
/// staged: for consumers whose effects lie outside Kafka (a partner's webhook).
public struct EachEventHandler: BatchEventHandler {
    public typealias Handle = @Sendable (ReceivedEvent) async throws -> Void
    let handle: Handle

    public init(_ handle: @escaping Handle) { self.handle = handle }

    public func stage(_ event: ReceivedEvent, into records: inout StagedRecords) async throws {
        try await handle(event)
    }

    public func finish(_ effects: [Void]) async throws {}
}

extension BatchEventHandler {
    /// Handles one event as a batch of its own, in the order ``EventConsumerService`` keeps:
    /// audit records and their acknowledgements, then the other records, then the effect.
    /// For tools and tests; errors are thrown, not retried or dead-lettered.
    public func handleAlone(_ event: ReceivedEvent, writingWith producer: KafkaProducer) async throws {
        var records = StagedRecords()
        try await prepare([event])
        let effect = try await stage(event, into: &records)
        if !records.audit.isEmpty { try await producer.send(batch: records.builtAudit()) }
        if !records.records.isEmpty { try await producer.send(batch: records.builtRecords()) }
        try await finish([effect])
    }
}
