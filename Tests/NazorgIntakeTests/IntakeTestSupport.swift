import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
@testable import NazorgIntake

let logger = quietLogger("intake.tests")

// A constant 34-byte key: the initialiser cannot fail for it.
let pseudonymizer = try! SubjectPseudonymizer(secret: Array("test-only-pseudonym-key-32-bytes!!".utf8))

func planNotice(noticeId: String = "pi-test-1", bsn: String = "999990019") -> String {
    """
    {"type":"DetentionPlanShared","noticeId":"\(noticeId)","municipality":"GM0363","prisonCode":"PI-TEST",
     "person":{"bsn":"\(bsn)","givenName":"Tessa","surname":"Testpersoon","birthDate":"1990-01-01"},
     "detentionType":"sentence","expectedReleaseDate":"2027-03-15",
     "needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"needed"},{"domain":"care","status":"arranged"}],
     "consents":["housing"]}
    """
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

func jsonHeaders(bearer token: String) -> HTTPFields {
    [.contentType: "application/json", .authorization: "Bearer \(token)"]
}

/// A fresh directory for a service's data files.
func temporaryDataDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-intake-tests-\(UUID().uuidString)").path
}

/// The intake router wired to a real producer and `store` (a fresh in-memory store when nil).
func withIntake(bootstrap: String, properties: [String: String] = [:], callers: CallerTokens? = nil,
                store: (any NoticeStore)? = nil, logger: Logger = quietLogger("intake.tests"),
                acknowledgementDeadline: Duration = IntakeService.defaultAcknowledgementDeadline,
                now: @escaping @Sendable () -> Date = Date.init,
                _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: bootstrap, properties: properties), logger: logger)
    let router = Router()
    IntakeService.addRoutes(to: router, publisher: EventPublisher(producer: producer, source: IntakeService.source),
                            store: try store ?? SQLiteNoticeStore(path: nil), pseudonymizer: pseudonymizer, callers: callers,
                            logger: logger, acknowledgementDeadline: acknowledgementDeadline, now: now)
    let app = Application(router: router)
    do {
        try await app.test(.router, body)
    } catch {
        await producer.close()
        throw error
    }
    await producer.close()
}

