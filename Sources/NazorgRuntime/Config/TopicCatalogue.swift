import NazorgContracts
import NazorgKafka

/// Every topic the contracts define, with its partition count.
public enum TopicCatalogue {
    /// Partitions of the case-flow topics (`Contracts/asyncapi.yaml`, Kafka bindings).
    public static let flowPartitions: Int32 = 12
    /// Partitions of the small topics: one per partner, and the dead letters.
    public static let smallPartitions: Int32 = 3

    /// The fixed topics plus one task topic per partner in `directory`. `partitions`
    /// overrides the contract's counts for every topic (tests and small installations);
    /// `retention` sets each topic's `retention.ms` (without it, the disclosure log is kept
    /// and the rest has the cluster's default).
    public static func specifications(partners directory: PartnerDirectory?, partitions: Int32? = nil,
                                      replicationFactor: Int32, retention: RetentionSchedule? = nil) -> [TopicSpecification] {
        let partnerTopics = directory?.partners.map { Topics.partnerTasks($0.id) } ?? []
        return (Topics.all + partnerTopics).map { name in
            let small = name == Topics.deadLetter || partnerTopics.contains(name)
            let settings: [String: String]
            if let period = retention?.retention(ofTopic: name) {
                settings = ["retention.ms": String(period.milliseconds)]
            } else {
                // The disclosure log is evidence: without a schedule, keep it.
                settings = name == Topics.filterDisclosures ? ["retention.ms": "-1"] : [:]
            }
            return TopicSpecification(name: name, partitions: partitions ?? (small ? smallPartitions : flowPartitions),
                                      replicationFactor: replicationFactor, settings: settings)
        }
    }
}
