import Foundation
import NazorgContracts
import NazorgTestSupport
import Testing
@testable import NazorgIntake

@Suite struct NoticeValidationTests {
    let today = CalendarDate(year: 2026, month: 11, day: 23)!

    @Test func detentionStartedParsesIntoTheContractNotice() throws {
        let body = #"{"type":"DetentionStarted","noticeId":"n-1","municipality":"GM0599","prisonCode":"PI-X","person":{"bsn":"999990019","surname":"Testpersoon","birthDate":"1980-05-05"},"detentionStartDate":"2026-11-01"}"#
        let request = try NoticeRequest.parse(Data(body.utf8), today: today)
        #expect(request.kind == .detentionStarted)
        guard case .detentionStarted(let notice) = request.notice(subjectId: String(repeating: "0a", count: 16), reportedAt: Date()) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(notice.detentionStartDate == CalendarDate(year: 2026, month: 11, day: 1))
        #expect(notice.expectedReleaseDate == nil)
    }

    @Test func releaseBeforeDetentionStartIsRefused() {
        let body = #"{"type":"DetentionStarted","noticeId":"n-1","municipality":"GM0599","prisonCode":"PI-X","person":{"bsn":"999990019","surname":"T","birthDate":"1980-05-05"},"detentionStartDate":"2026-11-01","expectedReleaseDate":"2026-10-01"}"#
        #expect(throws: NoticeValidationError.self) { try NoticeRequest.parse(Data(body.utf8), today: today) }
    }

    @Test func unknownTypeAndDuplicateNeedsAreReported() {
        do {
            _ = try NoticeRequest.parse(Data(#"{"type":"Released"}"#.utf8), today: today)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains { $0.pointer == "/type" })
        }
        let dup = #"{"type":"DetentionPlanShared","noticeId":"n","municipality":"GM0599","prisonCode":"PI-X","person":{"bsn":"999990019","surname":"T","birthDate":"1980-05-05"},"expectedReleaseDate":"2027-01-01","needs":[{"domain":"id","status":"needed"},{"domain":"id","status":"arranged"}],"consents":[]}"#
        do {
            _ = try NoticeRequest.parse(Data(dup.utf8), today: today)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.pointer) == ["/needs/1/domain"])
        }
    }
}
