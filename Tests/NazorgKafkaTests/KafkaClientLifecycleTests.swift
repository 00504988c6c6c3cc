import NazorgKafka
import NazorgTestSupport
import Testing

@Suite struct KafkaClientLifecycleTests {
    @Test func adminCloseIsIdempotentAndLaterCallsThrowClosed() async throws {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: testLogger)
        await admin.close()
        await admin.close()
        let error = await #expect(throws: KafkaError.self) {
            try await admin.createTopics([TopicSpecification(name: "t", partitions: 1, replicationFactor: 1)])
        }
        #expect(error?.codeName == "_DESTROY")
        #expect(error?.kind == .fatal)
    }

    @Test func adminRefusesANonPositiveTimeOut() async throws {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: testLogger)
        let error = await #expect(throws: KafkaError.self) {
            try await admin.createTopics([TopicSpecification(name: "t", partitions: 1, replicationFactor: 1)], timeout: .seconds(-1))
        }
        #expect(error?.kind == .permanent)
        await admin.close()
    }

    @Test(arguments: [
        ConsumerOptions(groupID: "g", topics: ["t"], maxBatchSize: 0),
        ConsumerOptions(groupID: "g", topics: ["t"], maxBatchSize: -5),
        ConsumerOptions(groupID: "g", topics: ["t"], maxBatchSize: Int.max),
        ConsumerOptions(groupID: "", topics: ["t"]),
        ConsumerOptions(groupID: "g", topics: []),
        ConsumerOptions(groupID: "g", topics: [""]),
        ConsumerOptions(groupID: "g", topics: ["t"], pollTimeout: .zero),
        ConsumerOptions(groupID: "g", topics: ["t"], pollTimeout: .milliseconds(-1)),
    ])
    func unusableConsumerOptionsAreAConfigurationErrorNotACrash(options: ConsumerOptions) {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), options: options,
                                  logger: testLogger)
        }
        #expect(error?.kind == .permanent)
        #expect(error?.message.contains("is not valid") == true)
    }

    @Test func closedConsumerThrowsClosed() async throws {
        let consumer = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"),
                                         options: ConsumerOptions(groupID: "g", topics: ["t"]), logger: testLogger)
        await consumer.close()
        await consumer.close()
        await #expect(throws: KafkaError.self) { try await consumer.poll() }
        await #expect(throws: KafkaError.self) { try await consumer.assignment() }
        let record = ConsumerRecord(topic: "t", partition: 0, offset: 0, key: nil, value: [], headers: [],
                                    timestampMilliseconds: nil)
        await #expect(throws: KafkaError.self) { try await consumer.commit([record]) }
    }

    @Test func embeddedClusterRefusesABadBrokerCountAndUseAfterShutdown() async throws {
        #expect(throws: KafkaError.self) { _ = try EmbeddedKafkaCluster(brokers: 0, logger: testLogger) }
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        await cluster.stop()
        cluster.shutdown()
        let error = #expect(throws: KafkaError.self) { try cluster.createTopic("t", partitions: 1) }
        #expect(error?.kind == .fatal)
        #expect(throws: KafkaError.self) { try cluster.setBrokerDown(1) }
        cluster.pushRequestErrors(apiKey: 0, errors: [19])  // does nothing, and does not crash
    }

    @Test func durationsBecomeLibrdkafkaMillisecondsWithoutTrapping() {
        #expect(Duration.milliseconds(1500).clampedMilliseconds == 1500)
        #expect(Duration.seconds(-3).clampedMilliseconds == 0)
        #expect(Duration.seconds(Int64.max).clampedMilliseconds == Int32.max)
        #expect(Duration.seconds(3_000_000).clampedMilliseconds == Int32.max)
    }
}
