import NazorgContracts
import NazorgKafka

/// Every topic the contracts define, with its partition count.
public enum TopicCatalogue {
    /// The fixed topics plus one task topic per partner in `directory`.
    public static func specifications(partners directory: PartnerDirectory?, partitions: Int32,
                                      replicationFactor: Int32) -> [TopicSpecification] {
        var names = Topics.all
        names += directory?.partners.map { Topics.partnerTasks($0.id) } ?? []
        return names.map { name in
            // The disclosure log is evidence: keep it (a real cluster should also back it up).
            let settings = name == Topics.filterDisclosures ? ["retention.ms": "-1"] : [:]
            return TopicSpecification(name: name, partitions: partitions, replicationFactor: replicationFactor, settings: settings)
        }
    }
}
