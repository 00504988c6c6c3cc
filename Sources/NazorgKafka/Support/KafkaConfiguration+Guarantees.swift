import Foundation

extension KafkaConfiguration {
    /// A librdkafka setting the layer's promises rest on: at-least-once delivery (a record
    /// is confirmed only once every in-sync replica has it, an offset is committed only for
    /// what the caller processed) and per-key order.
    struct ProtectedProperty: Sendable {
        /// The property's names, aliases included.
        let names: Set<String>
        /// The values that keep the promise, in librdkafka's spelling, lower-cased.
        let accepts: @Sendable (String) -> Bool
        /// What the value must be and what would break otherwise.
        let reason: String
    }

    /// Settings a pass-through property may not weaken. Harmless tuning (linger, batching,
    /// compression, fetch waits, session and heartbeat times, time-outs) stays allowed; a
    /// protected setting may be given only with a value the layer itself uses.
    static let protectedProperties: [ProtectedProperty] = [
        ProtectedProperty(names: ["enable.idempotence"], accepts: isTrue,
                          reason: "it must stay true: without idempotence a producer retry can duplicate or reorder records"),
        ProtectedProperty(names: ["acks", "request.required.acks"], accepts: { $0 == "all" || $0 == "-1" },
                          reason: "it must stay 'all' (-1): a record is confirmed only once every in-sync replica has it, "
                              + "so a broker failure cannot lose a confirmed record"),
        ProtectedProperty(names: ["max.in.flight.requests.per.connection", "max.in.flight"],
                          accepts: { Int($0).map { (1...5).contains($0) } ?? false },
                          reason: "it must be between 1 and 5: the idempotent producer keeps per-key order only with "
                              + "at most 5 requests in flight"),
        ProtectedProperty(names: ["retries", "message.send.max.retries"], accepts: { (Int($0) ?? 0) >= 1 },
                          reason: "it must be at least 1: the idempotent producer must be able to retry a request "
                              + "whose answer was lost"),
        ProtectedProperty(names: ["partitioner"], accepts: { $0 != "random" },
                          reason: "the 'random' partitioner ignores the key, so records of one subject would lose "
                              + "their order; use a key-based partitioner"),
        ProtectedProperty(names: ["enable.auto.commit", "auto.commit.enable"], accepts: isFalse,
                          reason: "it must stay false: offsets are committed only for records the service processed, "
                              + "otherwise a crash loses records"),
        ProtectedProperty(names: ["enable.auto.offset.store"], accepts: isFalse,
                          reason: "it must stay false: offsets are stored only for records the service processed, "
                              + "otherwise a crash loses records"),
        ProtectedProperty(names: ["isolation.level"], accepts: { $0 == "read_committed" },
                          reason: "it must stay 'read_committed': a consumer must not act on records of aborted transactions"),
        ProtectedProperty(names: ["auto.offset.reset"], accepts: { _ in false },
                          reason: "where a new consumer group starts comes from the consumer's options (startFrom); "
                              + "a different value here could skip records nobody read yet"),
        ProtectedProperty(names: ["group.id"], accepts: { _ in false },
                          reason: "each consumer's group comes from its options; one shared group would split a "
                              + "topic's records between services that each need all of them"),
    ]

    /// Throws a configuration error naming the first pass-through property that would weaken
    /// the layer's guarantees, and why.
    static func checkGuarantees(_ properties: [String: String]) throws {
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            // librdkafka also takes topic settings with a `topic.` prefix on the client configuration.
            let bare = name.hasPrefix("topic.") ? String(name.dropFirst("topic.".count)) : name
            guard let rule = protectedProperties.first(where: { $0.names.contains(bare) }) else { continue }
            let normalized = value.trimmingCharacters(in: .whitespaces).lowercased()
            if !rule.accepts(normalized) {
                throw KafkaError.configuration(name, "the layer does not allow '\(value)' because \(rule.reason).")
            }
        }
    }
}

/// librdkafka reads `true`, `t` and `1` as true, in any case.
private let isTrue: @Sendable (String) -> Bool = { ["true", "t", "1"].contains($0) }
private let isFalse: @Sendable (String) -> Bool = { ["false", "f", "0"].contains($0) }
