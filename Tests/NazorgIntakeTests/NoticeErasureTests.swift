import Foundation
import Hummingbird
import HummingbirdTesting
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

@Suite("Intake forgets an erased person's notices", .serialized)
struct NoticeErasureTests {
    @Test("The store keeps only the keys of the erased person's notices; they are refused, the others' are not")
    func storeForgets() async throws {
        let store = try SQLiteNoticeStore(path: nil)
        let first = storedNotice("a-1", subject: "subject-a")
        let second = storedNotice("a-2", fingerprint: "content-b", subject: "subject-a")
        let other = storedNotice("b-1", subject: "subject-b")
        for notice in [first, second, other] { _ = try await store.claim(notice) }
        #expect(try await store.erase(subjectId: "subject-a") == 2)
        #expect(try await store.notice(prisonCode: "PI-TEST", noticeId: "a-1") == nil)
        #expect(try await store.claim(first) == .erased)
        #expect(try await store.claim(storedNotice("a-2", fingerprint: "content-c", subject: "subject-a")) == .erased)
        // A correction of an erased notice finds nothing to correct.
        #expect(try await store.claim(storedNotice("a-3", subject: "subject-a", corrects: "a-1"))
                == .refused(CorrectionRefusal(.unknownNotice)))
        #expect(try await store.claim(other) == .unconfirmed(other))
        #expect(try await store.erase(subjectId: "subject-a") == 0)
    }

    @Test("Once intake read the erasure, the desk's resubmission of an old notice is answered 410 and nothing is published")
    func resubmissionIsGone() async throws {
        let cluster = try intakeCluster()
        defer { cluster.shutdown() }
        let store = try SQLiteNoticeStore(path: nil)
        try await withIntake(bootstrap: cluster.bootstrapServers, store: store) { client in
            let notice = Data(planNotice(noticeId: "erase-me").utf8)
            #expect(try await submit(client, notice).status == .accepted)
            let subject = pseudonymizer.pseudonym(forBSN: "999990019")
            let erasure = SubjectErased(erasureId: "erasure-1", subjectId: subject,
                                        recordedBy: ConsentRecorder(name: "gm0363-coordinator", role: .municipalityCoordinator),
                                        evidenceRef: "FORM-1", receivedAt: Date())
            let envelope = EventEnvelope(id: "erasure-1", source: "/nazorg-hub/filter", type: .subjectErased, time: Date(),
                                         subject: subject, traceparent: .random())
            let event = try ReceivedEvent(record: ConsumerRecord(topic: Topics.consentEvents, partition: 0, offset: 0,
                                                                 key: Array(subject.utf8), value: Array(try erasure.encodedJSON()),
                                                                 headers: envelope.headers, timestampMilliseconds: nil))
            try await IntakeService.forget(event, in: store, logger: logger)
            let again = try await submit(client, notice)
            #expect(again.status == .gone)
            let problem = try JSONSerialization.jsonObject(with: Data(buffer: again.body)) as? [String: Any]
            #expect(problem?["type"] as? String == "urn:nazorg-hub:problem:notice-erased")
            #expect(!String(buffer: again.body).contains("999990019") && !String(buffer: again.body).contains("Testpersoon"))
            // A new detention is a new notice.
            #expect(try await submit(client, Data(planNotice(noticeId: "new-detention").utf8)).status == .accepted)
        }
    }
}
