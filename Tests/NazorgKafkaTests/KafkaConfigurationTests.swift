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
}
