import Foundation
import NazorgContracts
import NazorgKafka
@testable import NazorgRuntime
import Testing

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Contracts/examples")

/// The sentinels of the synthetic person in the example files.
private let sentinels = ["999990019", "Tessa", "Testpersoon", "1990-01-01", "Synthetic remark", "own-tenancy"]

private func temporaryStore() throws -> SubjectKeyStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
    return try SubjectKeyStore(path: directory.appendingPathComponent("subject-keys.sqlite").path)
}

private func received(_ body: Data, type: EventType, id: String, topic: String) throws -> ReceivedEvent {
    let envelope = EventEnvelope(id: id, source: "/tests", type: type, time: Date(), subject: "s1", traceparent: .random())
    return try ReceivedEvent(record: ConsumerRecord(topic: topic, partition: 0, offset: 0, key: nil, value: Array(body),
                                                    headers: envelope.headers, timestampMilliseconds: nil))
}

private func contains(_ bytes: some Sequence<UInt8>, _ text: String) -> Bool {
    let haystack = Array(bytes), needle = Array(text.utf8)
    guard haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

@Suite("Sealing personal members under the person's data key")
struct SubjectSealingTests {
    @Test("A D&R plan goes on the topic without a readable personal value, and opens to the same content")
    func sealsAndOpens() throws {
        let keys = try temporaryStore()
        let body = try Data(contentsOf: examples.appendingPathComponent("DetentionPlanShared-example.json"))
        let sealed = try SubjectSealing(keys: keys).seal(body, topic: Topics.intakeNotices, subjectId: "s1",
                                                         type: .detentionPlanShared, id: "e1")
        for sentinel in sentinels { #expect(!contains(sealed, sentinel), "\(sentinel) readable on the topic") }
        let object = try #require(try JSONSerialization.jsonObject(with: sealed) as? [String: Any])
        #expect(object["person"] == nil && object["subjectId"] as? String != nil && object["municipality"] as? String == "GM0363")
        let paths = try #require((object["sealed"] as? [String: Any])?["paths"] as? [String])
        #expect(paths.contains("/person") && paths.contains("/needs/1/remark") && paths.contains("/needs/0/details"))

        let opened = try SubjectSealing.open([received(sealed, type: .detentionPlanShared, id: "e1", topic: Topics.intakeNotices)],
                                             with: keys)
        guard case .ready(let event) = try #require(opened.first) else { Issue.record("not opened"); return }
        let original = try JSONSerialization.jsonObject(with: body) as? NSDictionary
        let back = try JSONSerialization.jsonObject(with: Data(event.body)) as? NSDictionary
        #expect(original == back)
        // The contract type reads the opened body; the dead letters would get the record as it came.
        #expect(try event.decode(DetentionPlanShared.self).person.surname == "Testpersoon")
        #expect(event.record.value == Array(sealed))
    }

    @Test("A box moved to another event, or altered, does not open and is dead-lettered, never read")
    func boundToItsEvent() throws {
        let keys = try temporaryStore()
        let body = try Data(contentsOf: examples.appendingPathComponent("DetentionStarted-example.json"))
        let sealed = try SubjectSealing(keys: keys).seal(body, topic: Topics.intakeNotices, subjectId: "s1",
                                                         type: .detentionStarted, id: "e1")
        var altered = Array(sealed)
        let marker = Array("\"box\":\"".utf8)
        let start = try #require((0...(altered.count - marker.count)).first { altered[$0..<($0 + marker.count)].elementsEqual(marker) })
        let index = start + marker.count + 20
        altered[index] = altered[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let outcomes = try SubjectSealing.open([
            received(sealed, type: .detentionStarted, id: "other-event", topic: Topics.intakeNotices),
            received(Data(altered), type: .detentionStarted, id: "e1", topic: Topics.intakeNotices),
        ], with: keys)
        for outcome in outcomes {
            guard case .unreadable(_, let error) = outcome else { Issue.record("opened"); continue }
            #expect(error.reason == .unreadableSealed)
            for sentinel in sentinels { #expect(!error.message.contains(sentinel)) }
        }
    }

    @Test("After erasure every sealed copy is skipped as erased; another store's records are refused, not skipped")
    func erasure() throws {
        let keys = try temporaryStore(), other = try temporaryStore()
        let sealing = SubjectSealing(keys: keys)
        let notice = try Data(contentsOf: examples.appendingPathComponent("DetentionStarted-example.json"))
        let offer = try Data(contentsOf: examples.appendingPathComponent("TaskOffered-example.json"))
        let onHub = try sealing.seal(notice, topic: Topics.intakeNotices, subjectId: "s1", type: .detentionStarted, id: "e1")
        let onPartner = try sealing.seal(offer, topic: Topics.partnerTasks("woonstad"), subjectId: "s1", type: .taskOffered, id: "e2")
        let kid = { (data: Data) in ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]).flatMap { ($0["sealed"] as? [String: Any])?["kid"] as? String } }
        #expect(kid(onHub) != nil && kid(onPartner) != nil && kid(onHub) != kid(onPartner), "one key id across scopes links them")
        let untouched = try sealing.seal(notice, topic: Topics.intakeNotices, subjectId: "s2", type: .detentionStarted, id: "e3")

        #expect(try keys.erase(subjectId: "s1") == 2)
        let outcomes = try SubjectSealing.open([
            received(onHub, type: .detentionStarted, id: "e1", topic: Topics.intakeNotices),
            received(onPartner, type: .taskOffered, id: "e2", topic: Topics.partnerTasks("woonstad")),
            received(untouched, type: .detentionStarted, id: "e3", topic: Topics.intakeNotices),
        ], with: keys)
        guard outcomes.count == 3, case .erased = outcomes[0], case .erased = outcomes[1], case .ready = outcomes[2] else {
            Issue.record("not as expected: \(outcomes)"); return
        }
        guard case .unreadable = try SubjectSealing.open([received(untouched, type: .detentionStarted, id: "e3",
                                                                   topic: Topics.intakeNotices)], with: other).first,
              case .unreadable = try SubjectSealing.open([received(untouched, type: .detentionStarted, id: "e3",
                                                                   topic: Topics.intakeNotices)], with: nil).first else {
            Issue.record("a record of another store, or without a store, was not refused"); return
        }
        // A new notice about the erased person gets a new key; the old copies stay erased.
        let after = try sealing.seal(notice, topic: Topics.intakeNotices, subjectId: "s1", type: .detentionStarted, id: "e4")
        #expect(kid(after) != kid(onHub))
    }

    @Test("An erased key is gone from every page of the key store's files")
    func erasedKeyLeavesNoBytes() throws {
        let keys = try temporaryStore()
        _ = try keys.sealingKey(subjectId: "keep", scope: "hub")
        let (_, key) = try keys.sealingKey(subjectId: "gone", scope: "hub")
        let bytes = key.withUnsafeBytes { Array($0) }
        func onDisk() throws -> [UInt8] {
            try [keys.path, keys.path + "-wal"].filter { FileManager.default.fileExists(atPath: $0) }
                .flatMap { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        }
        func holds(_ haystack: [UInt8]) -> Bool {
            (0...(haystack.count - bytes.count)).contains { haystack[$0..<($0 + bytes.count)].elementsEqual(bytes) }
        }
        #expect(holds(try onDisk()), "the test does not see keys on disk at all")
        try keys.erase(subjectId: "gone")
        #expect(!holds(try onDisk()))
        #expect(try keys.subjectCount() == 1)
    }

    @Test("A body without personal members, and a topic that is not sealed, pass as they are")
    func passesTheRest() throws {
        let keys = try temporaryStore()
        let sealing = SubjectSealing(keys: keys)
        let consent = try Data(contentsOf: examples.appendingPathComponent("ConsentGiven-example.json"))
        #expect(try sealing.seal(consent, topic: Topics.consentEvents, subjectId: "s1", type: .consentGiven, id: "c1") == consent)
        let notice = try Data(contentsOf: examples.appendingPathComponent("DetentionStarted-example.json"))
        #expect(try sealing.seal(notice, topic: Topics.filterDisclosures, subjectId: "s1", type: .detentionStarted, id: "n1") == notice)
        #expect(throws: SealingError.self) {
            try sealing.seal(notice, topic: Topics.intakeNotices, subjectId: nil, type: .detentionStarted, id: "n1")
        }
        #expect(try keys.subjectCount() == 0)
    }
}
