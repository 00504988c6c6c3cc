import NazorgContracts
import NazorgKafka

/// Every topic the contracts define, with its partition count.
public enum TopicCatalogue {
    /// Partitions of the case-flow topics (`Contracts/asyncapi.yaml`, Kafka bindings).
    public static let flowPartitions: Int32 = 12
    /// Partitions of the small topics: one per partner, and the dead letters.
    public static let smallPartitions: Int32 = 3

    /// The fixed topics plus one task topic per partner in `directory`. `partitions`
    /// overrides the contract's counts for every topic (tests and small installations).
    public static func specifications(partners directory: PartnerDirectory?, partitions: Int32? = nil,
                                      replicationFactor: Int32) -> [TopicSpecification] {
        let partnerTopics = directory?.partners.map { Topics.partnerTasks($0.id) } ?? []
        return (Topics.all + partnerTopics).map { name in
            let small = name == Topics.deadLetter || partnerTopics.contains(name)
            // The disclosure log is evidence: keep it (a real cluster should also back it up).
            let settings = name == Topics.filterDisclosures ? ["retention.ms": "-1"] : [:]
            return TopicSpecification(name: name, partitions: partitions ?? (small ? smallPartitions : flowPartitions),
                                      replicationFactor: replicationFactor, settings: settings)
        }
    }
}
