import Foundation
import NazorgContracts
import Testing
@testable import NazorgIntake

/// A stored notice as the route would claim it; tests change one field.
func storedNotice(_ noticeId: String = "pi-test-1", prisonCode: String = "PI-TEST", fingerprint: String = "content-a",
                  type: EventType = .releaseScheduled, subject: String = "subject-a", corrects: String? = nil) -> NoticeRecord {
    NoticeRecord(prisonCode: prisonCode, noticeId: noticeId, fingerprint: fingerprint, eventId: "event-\(prisonCode)-\(noticeId)",
                 eventType: type, subjectId: subject, correctsNoticeId: corrects,
                 receivedAt: Date(timeIntervalSince1970: 1_795_428_000.125), answer: .accepted(eventId: "event-\(noticeId)"))
}

@Suite struct NoticeStoreTests {
    @Test func aNewNoticeIsUnconfirmedUntilMarkedThenRepeatsAndConflictsAreTold() async throws {
        let store = try SQLiteNoticeStore(path: nil)
        let notice = storedNotice()
        #expect(try await store.claim(notice) == .new(notice))
        #expect(try await store.claim(notice) == .unconfirmed(notice))
        try await store.markPublished(prisonCode: notice.prisonCode, noticeId: notice.noticeId)
        var published = notice
        published.published = true
        #expect(try await store.claim(notice) == .published(published))
        var changed = storedNotice(fingerprint: "content-b")
        changed.receivedAt = Date(timeIntervalSince1970: 1_795_429_000)
        #expect(try await store.claim(changed) == .conflict(published))
        #expect(try await store.notice(prisonCode: "PI-TEST", noticeId: "pi-test-1") == published)
    }

    @Test func theSameNoticeIdAtAnotherPrisonIsAnotherNotice() async throws {
        let store = try SQLiteNoticeStore(path: nil)
        _ = try await store.claim(storedNotice())
        let elsewhere = storedNotice(prisonCode: "PI-ELSEWHERE", fingerprint: "content-b")
        #expect(try await store.claim(elsewhere) == .new(elsewhere))
    }

    @Test func aCorrectionMustNameAKnownNoticeOfThisPrisonOfTheSameTypeAndPerson() async throws {
        let store = try SQLiteNoticeStore(path: nil)
        _ = try await store.claim(storedNotice("original"))
        _ = try await store.claim(storedNotice("elsewhere", prisonCode: "PI-ELSEWHERE"))
        let cases: [(NoticeRecord, CorrectionRefusal.Code)] = [
            (storedNotice("fix-1", corrects: "fix-1"), .correctsItself),
            (storedNotice("fix-2", corrects: "never-sent"), .unknownNotice),
            (storedNotice("fix-3", corrects: "elsewhere"), .unknownNotice),
            (storedNotice("fix-4", type: .released, corrects: "original"), .otherType),
            (storedNotice("fix-5", subject: "subject-b", corrects: "original"), .otherPerson),
        ]
        for (correction, code) in cases {
            #expect(try await store.claim(correction) == .refused(CorrectionRefusal(code)), "\(code)")
            #expect(try await store.notice(prisonCode: "PI-TEST", noticeId: correction.noticeId) == nil, "a refused correction is not kept")
        }
        let fix = storedNotice("fix-6", fingerprint: "content-b", corrects: "original")
        #expect(try await store.claim(fix) == .new(fix))
        #expect(try await store.notice(prisonCode: "PI-TEST", noticeId: "original")?.correctedBy == "fix-6")
        // A second correction of the same notice must correct the correction instead.
        #expect(try await store.claim(storedNotice("fix-7", fingerprint: "content-c", corrects: "original"))
                == .refused(CorrectionRefusal(.alreadyCorrected)))
        let chained = storedNotice("fix-8", fingerprint: "content-c", corrects: "fix-6")
        #expect(try await store.claim(chained) == .new(chained))
        // Sending the accepted correction again is a repeat, not a second correction.
        var corrected = fix
        corrected.correctedBy = "fix-8"
        #expect(try await store.claim(fix) == .unconfirmed(corrected))
    }

    @Test func ofConcurrentClaimsOfOneNoticeIdWithOtherContentExactlyOneWins() async throws {
        let store = try SQLiteNoticeStore(path: nil)
        let claims = try await withThrowingTaskGroup(of: NoticeClaim.self) { group in
            for index in 0..<16 {
                group.addTask { try await store.claim(storedNotice(fingerprint: "content-\(index)")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(claims.filter { if case .new = $0 { return true } else { return false } }.count == 1)
        #expect(claims.filter { if case .conflict = $0 { return true } else { return false } }.count == 15)
    }

    @Test func ofConcurrentCorrectionsOfOneNoticeExactlyOneWins() async throws {
        let store = try SQLiteNoticeStore(path: nil)
        _ = try await store.claim(storedNotice("original"))
        let claims = try await withThrowingTaskGroup(of: NoticeClaim.self) { group in
            for index in 0..<8 {
                group.addTask { try await store.claim(storedNotice("fix-\(index)", fingerprint: "content-\(index)", corrects: "original")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(claims.filter { if case .new = $0 { return true } else { return false } }.count == 1)
        #expect(claims.filter { $0 == .refused(CorrectionRefusal(.alreadyCorrected)) }.count == 7)
    }

    @Test func theStoreKeepsItsNoticesAcrossAReopen() async throws {
        let directory = temporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/intake.sqlite"
        let notice = storedNotice()
        do {
            let store = try SQLiteNoticeStore(path: path)
            _ = try await store.claim(notice)
            try await store.markPublished(prisonCode: notice.prisonCode, noticeId: notice.noticeId)
        }
        let reopened = try SQLiteNoticeStore(path: path)
        var published = notice
        published.published = true
        #expect(try await reopened.notice(prisonCode: "PI-TEST", noticeId: "pi-test-1") == published)
        #expect(try await reopened.claim(notice) == .published(published))
    }
}
