import Foundation
import CRdKafka
@testable import NazorgKafka
import NazorgTestSupport
import Testing

/// A consumer's statistics document as librdkafka 2.0 writes it, cut to a few fields per level.
private let consumerDocument = """
    {"name":"nazorg-planning#consumer-2","client_id":"nazorg-planning","type":"consumer","ts":1,"time":2,"replyq":0,
     "msg_cnt":0,"msg_size":0,"tx":12,"rx":30,"txmsgs":0,"rxmsgs":25,
     "brokers":{"127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"rtt":{"min":1,"max":2}}},
     "topics":{"nazorg.intake.notices.v1":{"topic":"nazorg.intake.notices.v1","age":5,"metadata_age":4,
        "partitions":{
          "0":{"partition":0,"broker":1,"leader":1,"desired":true,"fetch_state":"active","hi_offset":40,"ls_offset":40,
               "committed_offset":33,"consumer_lag":7,"consumer_lag_stored":7,"txmsgs":0,"rxmsgs":25},
          "1":{"partition":1,"broker":1,"leader":1,"desired":false,"fetch_state":"none","hi_offset":12,
               "committed_offset":-1001,"consumer_lag":-1},
          "-1":{"partition":-1,"broker":-1,"leader":-1,"consumer_lag":-1}}}},
     "cgrp":{"state":"up","join_state":"steady","assignment_size":1}}
    """

@Suite struct KafkaStatisticsTests {
    @Test func lagIsReadForOwnedPartitionsAndUnknownLagIsLeftOut() throws {
        let statistics = try Array(consumerDocument.utf8).withUnsafeBytes { try KafkaStatistics.decode($0) }
        #expect(statistics.name == "nazorg-planning#consumer-2")
        #expect(statistics.type == "consumer")
        #expect(statistics.receivedMessages == 25)
        #expect(statistics.transmittedMessages == 0)
        #expect(statistics.knownLags == [TopicPartition(topic: "nazorg.intake.notices.v1", partition: 0): 7])
    }

    @Test func aDocumentWithoutTopicsOrCountersStillReads() throws {
        let statistics = try Array(#"{"name":"x#producer-1","type":"producer"}"#.utf8).withUnsafeBytes { try KafkaStatistics.decode($0) }
        #expect(statistics == KafkaStatistics(name: "x#producer-1", type: "producer"))
        #expect(statistics.knownLags.isEmpty)
    }

    @Test func statisticsComeEveryFiveSecondsUnlessConfiguredOtherwise() {
        #expect(KafkaConfiguration(bootstrapServers: "b").resolvedProperties(defaults: [:])["statistics.interval.ms"] == "5000")
        var configured = KafkaConfiguration(bootstrapServers: "b")
        configured.statisticsInterval = .zero
        #expect(configured.resolvedProperties(defaults: [:])["statistics.interval.ms"] == "0")
        let passedThrough = KafkaConfiguration(bootstrapServers: "b", properties: ["statistics.interval.ms": "15000"])
        #expect(passedThrough.resolvedProperties(defaults: [:])["statistics.interval.ms"] == "15000")
    }
}

@Suite("Pass-through properties per kind of client")
struct ClientKindPropertiesTests {
    @Test func aConsumerPropertyIsLeftOutOfProducersAndAProducerPropertyOutOfConsumers() async throws {
        let shared = ["fetch.wait.max.ms": "10", "linger.ms": "2", "socket.timeout.ms": "30000"]
        let configuration = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: shared)
        let producer = configuration.resolvedProperties(defaults: [:], for: RD_KAFKA_PRODUCER)
        let consumer = configuration.resolvedProperties(defaults: [:], for: RD_KAFKA_CONSUMER)
        #expect(producer["fetch.wait.max.ms"] == nil && producer["linger.ms"] == "2" && producer["socket.timeout.ms"] == "30000")
        #expect(consumer["fetch.wait.max.ms"] == "10" && consumer["linger.ms"] == nil && consumer["socket.timeout.ms"] == "30000")

        // librdkafka warns about a consumer property on a producer, from `rd_kafka_new` itself
        // (the log callback runs in the calling thread): none for the ones left out.
        // `offset.store.method` (consumer-only, not on the list) shows that a warning is seen.
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: quietLogger("kind.tests.broker"))
        defer { cluster.shutdown() }
        for (properties, warns) in [(["fetch.wait.max.ms": "10"], false), (["offset.store.method": "broker"], true)] {
            let recorder = LogRecorder()
            let client = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers,
                                                                             properties: properties),
                                           logger: recorder.logger("kind.tests", level: .warning))
            #expect((recorder.count("librdkafka warning") > 0) == warns, "\(properties)")
            await client.close(timeout: .seconds(1))
        }
    }
}
