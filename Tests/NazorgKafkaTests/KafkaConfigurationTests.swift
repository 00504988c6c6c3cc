import NazorgKafka
import NazorgTestSupport
import Testing

@Suite struct KafkaConfigurationTests {
    @Test func environmentGivesTlsSaslAndPassThroughProperties() throws {
        let config = try KafkaConfiguration.fromEnvironment(bootstrapServers: "b1:9093", clientID: "intake", environment: [
            "NAZORG_KAFKA_TLS_CA_FILE": "/etc/ca.pem",
            "NAZORG_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NAZORG_KAFKA_SASL_USERNAME": "svc-intake",
            "NAZORG_KAFKA_SASL_PASSWORD": "not-a-real-secret",
            "NAZORG_KAFKA_PROPERTIES": "linger.ms=20; compression.type=lz4",
        ])
        #expect(config.tls == KafkaConfiguration.TLS(caFile: "/etc/ca.pem"))
        #expect(config.sasl == KafkaConfiguration.SASL(mechanism: "SCRAM-SHA-512", username: "svc-intake", password: "not-a-real-secret"))
        #expect(config.properties == ["linger.ms": "20", "compression.type": "lz4"])
    }

    @Test func incompleteSaslOrTlsIsRefused() {
        #expect(throws: KafkaError.self) {
            try KafkaConfiguration.fromEnvironment(bootstrapServers: "b", clientID: "c",
                                                   environment: ["NAZORG_KAFKA_SASL_MECHANISM": "PLAIN", "NAZORG_KAFKA_SASL_USERNAME": "u"])
        }
        #expect(throws: KafkaError.self) {
            try KafkaConfiguration.fromEnvironment(bootstrapServers: "b", clientID: "c",
                                                   environment: ["NAZORG_KAFKA_TLS_CERT_FILE": "/c.pem"])
        }
        #expect(throws: KafkaError.self) { try KafkaConfiguration.parseProperties("linger.ms") }
    }

    @Test func unknownLibrdkafkaPropertyIsAClearError() {
        let config = KafkaConfiguration(bootstrapServers: "127.0.0.1:9092", properties: ["no.such.property": "1"])
        do {
            _ = try KafkaProducer(configuration: config, logger: testLogger)
            Issue.record("an unknown property was accepted")
        } catch let error as KafkaError {
            #expect(error.message.contains("no.such.property"))
            #expect(!error.isRetriable)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// Pass-through properties that would weaken at-least-once delivery or per-key order.
    static let weakening: [(name: String, value: String)] = [
        ("enable.idempotence", "false"), ("acks", "1"), ("acks", "0"), ("request.required.acks", "1"),
        ("topic.acks", "1"), ("topic.request.required.acks", "0"),
        ("enable.auto.commit", "true"), ("auto.commit.enable", "true"), ("enable.auto.offset.store", "true"),
        ("isolation.level", "read_uncommitted"), ("max.in.flight.requests.per.connection", "6"),
        ("max.in.flight", "100"), ("retries", "0"), ("message.send.max.retries", "0"), ("partitioner", "random"),
        ("auto.offset.reset", "latest"), ("group.id", "shared"),
    ]

    @Test func propertiesThatWeakenGuaranteesAreRefusedAtClientCreation() {
        for (name, value) in Self.weakening {
            let config = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: [name: value])
            let producerError = #expect(throws: KafkaError.self, "\(name)=\(value)") {
                _ = try KafkaProducer(configuration: config, logger: testLogger)
            }
            #expect(producerError?.message.contains("'\(name)'") == true, "\(String(describing: producerError))")
            #expect(producerError?.message.contains("because") == true)
            #expect(producerError?.kind == .permanent)
            #expect(throws: KafkaError.self, "\(name)=\(value)") {
                _ = try KafkaConsumer(configuration: config, options: ConsumerOptions(groupID: "g", topics: ["t"]),
                                      logger: testLogger)
            }
        }
    }

    @Test func propertiesThatWeakenGuaranteesAreRefusedFromTheEnvironment() {
        let error = #expect(throws: KafkaError.self) {
            try KafkaConfiguration.fromEnvironment(bootstrapServers: "b", clientID: "c",
                                                   environment: ["NAZORG_KAFKA_PROPERTIES": "linger.ms=20;acks=1"])
        }
        #expect(error?.message.contains("'acks'") == true)
        #expect(error?.message.contains("in-sync replica") == true)
        #expect(throws: KafkaError.self) { try KafkaConfiguration.parseProperties("enable.auto.commit = TRUE") }
    }

    @Test func guaranteedValuesAndHarmlessTuningAreAllowed() async throws {
        let raw = "enable.idempotence=TRUE; acks=all; request.required.acks=-1; enable.auto.commit=false; "
            + "enable.auto.offset.store=0; isolation.level=read_committed; max.in.flight=5; retries=3; "
            + "partitioner=murmur2_random; linger.ms=20; compression.type=lz4; fetch.wait.max.ms=50; "
            + "session.timeout.ms=6000; message.timeout.ms=60000; enable.gapless.guarantee=true"
        let properties = try KafkaConfiguration.parseProperties(raw)
        let config = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: properties)
        let producer = try KafkaProducer(configuration: config, logger: testLogger)
        let consumer = try KafkaConsumer(configuration: config, options: ConsumerOptions(groupID: "g", topics: ["t"]),
                                         logger: testLogger)
        await consumer.close()
        await producer.close()
    }
}

