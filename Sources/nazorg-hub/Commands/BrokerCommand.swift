import ArgumentParser
import Foundation
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded Kafka broker (librdkafka's mock cluster) in the foreground.",
        discussion: """
            The first line of output is the bootstrap list. The broker creates every contract topic,
            plus a task topic per partner when --partners is given. Records live in memory only.
            Services on this broker should set NAZORG_KAFKA_PROPERTIES="fetch.wait.max.ms=10": the
            embedded broker holds a fetch that finds nothing for the whole wait, even when records
            arrive meanwhile (a real broker answers at once), so the default wait would add up to
            100 ms at every consumer hop.
            """)

    @Option(name: .long, help: "Number of brokers in the cluster.")
    var brokers = 3

    @Option(name: .long, help: "Partitions of every topic (default: the contract's, 12 for case flows and 3 for partner topics).")
    var partitions: Int32?

    @Option(name: .long, help: "Partner directory whose partner topics to create.")
    var partners: String?

    func run() async throws {
        guard brokers >= 1, (partitions ?? 1) >= 1 else { throw ValidationError("--brokers and --partitions must be at least 1.") }
        let logger = makeLogger("nazorg.broker")
        let directory = try partners.map(PartnerDirectory.init(contentsOf:))
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: logger)
        try createTopics(in: cluster, partners: directory, partitions: partitions)
        printFlushed(cluster.bootstrapServers)
        logger.info("embedded broker running", metadata: ["kafka.bootstrap": .string(cluster.bootstrapServers),
                                                         "kafka.brokers": "\(brokers)",
                                                         "clients.kafka_properties": .string(EmbeddedKafkaCluster.clientPropertiesText)])
        try await runUntilSignalled([], extra: [EmbeddedBrokerService(cluster: cluster)], logger: logger)
    }
}

/// Creates the contract topics directly in the embedded cluster (it has no admin controller).
func createTopics(in cluster: EmbeddedKafkaCluster, partners: PartnerDirectory?, partitions: Int32?) throws {
    let replication = Int32(min(cluster.brokerCount, 3))
    for spec in TopicCatalogue.specifications(partners: partners, partitions: partitions, replicationFactor: replication) {
        try cluster.createTopic(spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor)
    }
}

/// Keeps the embedded cluster up until shutdown, then stops it.
struct EmbeddedBrokerService: Service {
    let cluster: EmbeddedKafkaCluster

    func run() async throws {
        try? await gracefulShutdown()
        await cluster.stop()
    }
}

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics", abstract: "Manage the contract topics.",
                                                    subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create",
                                                        abstract: "Create every contract topic on a Kafka cluster (existing ones are kept).")

        @Option(name: .long, help: "Kafka bootstrap servers.")
        var kafka: String

        @Option(name: .long, help: "Partitions of every topic (default: the contract's, 12 for case flows and 3 for partner topics).")
        var partitions: Int32?

        @Option(name: .customLong("replication-factor"), help: "Replicas per partition.")
        var replicationFactor: Int32 = 3

        @Option(name: .long, help: "Partner directory whose partner topics to create.")
        var partners: String?

        @Option(name: .long, help: "Retention schedule (YAML) whose topic periods become each topic's retention.ms.")
        var retention = "Contracts/retention/retention.yaml"

        func run() async throws {
            let logger = makeLogger("nazorg.topics")
            let directory = try partners.map(PartnerDirectory.init(contentsOf:))
            let admin = try KafkaAdmin(configuration: KafkaConfiguration.fromEnvironment(bootstrapServers: kafka, clientID: "nazorg-topics"),
                                       logger: logger)
            let specs = TopicCatalogue.specifications(partners: directory, partitions: partitions, replicationFactor: replicationFactor,
                                                      retention: try RetentionSchedule(contentsOf: retention))
            do {
                let created = try await admin.createTopics(specs)
                await admin.close()
                for spec in specs { print("\(created.contains(spec.name) ? "created" : "exists ") \(spec.name)") }
            } catch {
                await admin.close()
                throw error
            }
        }
    }
}
