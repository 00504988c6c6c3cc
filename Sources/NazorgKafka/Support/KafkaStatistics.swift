import Foundation

/// The part of librdkafka's statistics JSON (`statistics.interval.ms`) the hub reports.
///
/// librdkafka writes much more (brokers, round-trip times, buffers); only what an operator
/// alerts on is decoded, so a field librdkafka adds or drops elsewhere changes nothing here.
struct KafkaStatistics: Decodable, Sendable, Equatable {
    /// The client's instance name, `<client.id>#<kind>-<n>`: unique in the process, so two
    /// clients with one `client.id` (every consumer of the adapters) stay apart.
    var name: String
    /// `producer` or `consumer`.
    var type: String
    /// Messages waiting in the producer's queues.
    var queuedMessages: Int64
    /// Messages sent to brokers since the client started.
    var transmittedMessages: Int64
    /// Messages received from brokers since the client started.
    var receivedMessages: Int64
    var topics: [String: Topic]

    struct Topic: Decodable, Sendable, Equatable {
        var partitions: [String: Partition]
    }

    struct Partition: Decodable, Sendable, Equatable {
        /// -1 is librdkafka's internal "unassigned" partition.
        var partition: Int32
        /// Records between the committed offset and the end of the partition; -1 while
        /// unknown (nothing committed yet, the end not fetched yet, or not assigned here).
        var consumerLag: Int64

        enum CodingKeys: String, CodingKey {
            case partition
            case consumerLag = "consumer_lag"
        }

        init(partition: Int32, consumerLag: Int64) {
            self.partition = partition
            self.consumerLag = consumerLag
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            partition = try container.decode(Int32.self, forKey: .partition)
            consumerLag = try container.decodeIfPresent(Int64.self, forKey: .consumerLag) ?? -1
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, type, topics
        case queuedMessages = "msg_cnt"
        case transmittedMessages = "txmsgs"
        case receivedMessages = "rxmsgs"
    }

    init(name: String, type: String, queuedMessages: Int64 = 0, transmittedMessages: Int64 = 0,
         receivedMessages: Int64 = 0, topics: [String: Topic] = [:]) {
        self.name = name
        self.type = type
        self.queuedMessages = queuedMessages
        self.transmittedMessages = transmittedMessages
        self.receivedMessages = receivedMessages
        self.topics = topics
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(String.self, forKey: .type)
        queuedMessages = try container.decodeIfPresent(Int64.self, forKey: .queuedMessages) ?? 0
        transmittedMessages = try container.decodeIfPresent(Int64.self, forKey: .transmittedMessages) ?? 0
        receivedMessages = try container.decodeIfPresent(Int64.self, forKey: .receivedMessages) ?? 0
        topics = try container.decodeIfPresent([String: Topic].self, forKey: .topics) ?? [:]
    }

    /// Decodes one statistics document as librdkafka hands it to the callback.
    static func decode(_ json: UnsafeRawBufferPointer) throws -> KafkaStatistics {
        try JSONDecoder().decode(KafkaStatistics.self, from: Data(json))
    }

    /// The lag of every partition whose lag is known, by topic and partition.
    var knownLags: [TopicPartition: Int64] {
        var lags: [TopicPartition: Int64] = [:]
        for (topic, entry) in topics {
            for partition in entry.partitions.values where partition.partition >= 0 && partition.consumerLag >= 0 {
                lags[TopicPartition(topic: topic, partition: partition.partition)] = partition.consumerLag
            }
        }
        return lags
    }
}
