import Foundation
import NazorgContracts
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

@Suite struct NoticeValidationTests {
    @Test func detentionStartedParsesIntoTheContractNotice() throws {
        let body = #"{"type":"DetentionStarted","noticeId":"n-1","municipality":"GM0599","prisonCode":"PI-X","person":{"bsn":"999990019","surname":"Testpersoon","birthDate":"1980-05-05"},"detentionType":"remand","detentionStartDate":"2026-11-01"}"#
        let request = try NoticeRequest.parse(Data(body.utf8), now: fixedNow)
        #expect(request.kind == .detentionStarted)
        guard case .detentionStarted(let notice) = request.notice(subjectId: String(repeating: "0a", count: 16), reportedAt: Date()) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(notice.detentionStartDate == CalendarDate(year: 2026, month: 11, day: 1))
        #expect(notice.detentionType == .remand)
        #expect(notice.expectedReleaseDate == nil)
    }

    @Test(arguments: NoticeRequest.Kind.allCases.map(\.rawValue))
    func everyKindBuildsItsNotice(type: String) throws {
        let request = try NoticeRequest.parse(try json(noticeObject(type)), now: fixedNow)
        let notice = request.notice(subjectId: String(repeating: "0a", count: 16), reportedAt: fixedNow)
        #expect(notice.eventType.rawValue == type)
        #expect(notice.reportedAt == ContractCoding.parseTimestamp("2026-11-23T09:00:00Z"))
    }

    @Test func releaseBeforeDetentionStartIsRefused() throws {
        let object = setting("expectedReleaseDate", to: "2026-10-01", in: noticeObject("DetentionStarted"))
        #expect(try problems(object).map(\.pointer) == ["/expectedReleaseDate"])
    }

    @Test func unknownTypeAndDuplicateNeedsAreReported() throws {
        #expect(try problems(["type": "Escaped"]).contains { $0.pointer == "/type" })
        let duplicate = setting("needs", to: [["domain": "id", "status": "needed"], ["domain": "id", "status": "arranged"]],
                                in: noticeObject())
        #expect(try problems(duplicate).map(\.pointer) == ["/needs/1/domain"])
    }

    struct DateCase: Sendable, CustomTestStringConvertible {
        var type: String
        var pointer: String
        var value: String
        var testDescription: String { "\(pointer) = \(value)" }
    }

    /// Outside the windows of `PlausibleDates`, seen from 2026-11-23T10:00Z.
    static let implausible: [DateCase] = [
        DateCase(type: "DetentionPlanShared", pointer: "/expectedReleaseDate", value: "9999-12-31"),
        DateCase(type: "DetentionPlanShared", pointer: "/expectedReleaseDate", value: "0001-01-01"),
        DateCase(type: "ReleaseScheduled", pointer: "/expectedReleaseDate", value: "2056-11-24"),
        DateCase(type: "ReleaseScheduled", pointer: "/expectedReleaseDate", value: "2016-11-22"),
        DateCase(type: "DetentionStarted", pointer: "/expectedReleaseDate", value: "9999-12-31"),
        DateCase(type: "DetentionStarted", pointer: "/detentionStartDate", value: "2026-11-25"),
        DateCase(type: "DetentionStarted", pointer: "/detentionStartDate", value: "1976-11-22"),
        DateCase(type: "DetentionStarted", pointer: "/detentionStartDate", value: "0001-01-01"),
        DateCase(type: "ReleaseScheduled", pointer: "/person/birthDate", value: "1899-12-31"),
        DateCase(type: "ReleaseScheduled", pointer: "/person/birthDate", value: "2014-11-24"),
        DateCase(type: "ReleaseScheduled", pointer: "/person/birthDate", value: "2030-01-01"),
        DateCase(type: "ReleaseScheduled", pointer: "/person/birthDate", value: "9999-12-31"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "2026-11-23T10:05:01Z"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "9999-12-31T23:59:59Z"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "2025-11-22T09:59:59Z"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "0001-01-01T00:00:00Z"),
        DateCase(type: "ReleaseDateChanged", pointer: "/previousReleaseDate", value: "2016-11-22"),
        DateCase(type: "ReleaseDateChanged", pointer: "/expectedReleaseDate", value: "9999-12-31"),
        DateCase(type: "Transferred", pointer: "/transferDate", value: "2027-11-24"),
        DateCase(type: "Transferred", pointer: "/transferDate", value: "2016-11-22"),
        DateCase(type: "Transferred", pointer: "/transferDate", value: "0001-01-01"),
        DateCase(type: "Released", pointer: "/releasedAt", value: "2026-11-23T10:05:01Z"),
        DateCase(type: "Released", pointer: "/releasedAt", value: "2026-11-24T09:00:00+01:00"),
        DateCase(type: "Released", pointer: "/releasedAt", value: "2025-11-22T09:59:59Z"),
        DateCase(type: "Released", pointer: "/releasedAt", value: "9999-12-31T23:59:59Z"),
    ]

    @Test(arguments: implausible)
    func implausibleDatesAreRefusedByPointerAndRuleNeverByValue(_ item: DateCase) throws {
        let object = setting(item.pointer, to: item.value, in: noticeObject(item.type))
        let found = try problems(object)
        #expect(found.map(\.pointer) == [item.pointer])
        for problem in found {
            #expect(!problem.detail.contains(item.value))
            #expect(!problem.detail.contains(String(item.value.prefix(10))))
        }
    }

    /// The edges of the same windows are accepted.
    static let plausible: [DateCase] = [
        DateCase(type: "ReleaseScheduled", pointer: "/expectedReleaseDate", value: "2056-11-23"),
        DateCase(type: "ReleaseScheduled", pointer: "/expectedReleaseDate", value: "2016-11-23"),
        DateCase(type: "DetentionStarted", pointer: "/detentionStartDate", value: "2026-11-24"),
        DateCase(type: "DetentionStarted", pointer: "/detentionStartDate", value: "1976-11-23"),
        DateCase(type: "ReleaseScheduled", pointer: "/person/birthDate", value: "1900-01-01"),
        DateCase(type: "ReleaseScheduled", pointer: "/person/birthDate", value: "2014-11-23"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "2026-11-23T10:05:00Z"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "2026-11-23T11:04:00+01:00"),
        DateCase(type: "ReleaseScheduled", pointer: "/reportedAt", value: "2025-11-22T10:00:00.000Z"),
        DateCase(type: "ReleaseDateChanged", pointer: "/previousReleaseDate", value: "2016-11-23"),
        DateCase(type: "Transferred", pointer: "/transferDate", value: "2027-11-23"),
        DateCase(type: "Transferred", pointer: "/transferDate", value: "2016-11-23"),
        DateCase(type: "Released", pointer: "/releasedAt", value: "2026-11-23T10:05:00Z"),
        DateCase(type: "Released", pointer: "/releasedAt", value: "2025-11-22T10:00:00Z"),
    ]

    @Test(arguments: plausible)
    func datesAtTheEdgeOfTheWindowsAreAccepted(_ item: DateCase) throws {
        let object = setting(item.pointer, to: item.value, in: noticeObject(item.type))
        #expect(try problems(object).isEmpty)
    }

    /// Every text field of every notice kind, with the pattern-checked ones among them.
    static let textFields: [(type: String, pointer: String)] = [
        ("DetentionPlanShared", "/type"), ("DetentionPlanShared", "/noticeId"), ("DetentionPlanShared", "/municipality"),
        ("DetentionPlanShared", "/prisonCode"), ("DetentionPlanShared", "/person/bsn"),
        ("DetentionPlanShared", "/person/givenName"), ("DetentionPlanShared", "/person/surname"),
        ("DetentionPlanShared", "/person/birthDate"), ("DetentionPlanShared", "/reportedAt"),
        ("DetentionPlanShared", "/expectedReleaseDate"), ("DetentionPlanShared", "/needs/0/domain"),
        ("DetentionPlanShared", "/needs/0/status"), ("DetentionPlanShared", "/consents/0"),
        ("DetentionStarted", "/detentionStartDate"), ("DetentionStarted", "/expectedReleaseDate"),
        ("DetentionStarted", "/detentionType"), ("DetentionPlanShared", "/detentionType"),
        ("ReleaseDateChanged", "/previousReleaseDate"), ("ReleaseDateChanged", "/expectedReleaseDate"),
        ("ReleaseDateChanged", "/reason"), ("Released", "/releasedAt"), ("Released", "/releaseType"),
        ("Transferred", "/toPrisonCode"), ("Transferred", "/transferDate"),
        ("NoticeWithdrawn", "/withdrawnNoticeId"), ("NoticeWithdrawn", "/reason"),
    ]

    @Test(arguments: textFields, ["\n", "\r\n"])
    func aTrailingLineBreakFailsEveryField(field: (type: String, pointer: String), ending: String) throws {
        let base = noticeObject(field.type)
        let value = try #require(string(at: field.pointer, in: base))
        let found = try problems(setting(field.pointer, to: value + ending, in: base))
        #expect(found.contains { $0.pointer == field.pointer })
        #expect(found.allSatisfy { !$0.detail.contains(value) })
    }

    /// Every pattern intake checks, with a value it accepts.
    static let patterns: [(pattern: String, valid: String)] = [
        (NoticePatterns.noticeId, "pi-test-1"), (NoticePatterns.municipality, "GM0363"), (NoticePatterns.prisonCode, "PI-TEST"),
        (NoticePatterns.bsn, "999990019"), (NoticePatterns.timestamp, "2026-11-23T09:00:00Z"), (NoticePatterns.fieldName, "offence"),
        // The old style of anchors, where ICU's `$` matches before a final line break.
        ("^[A-Za-z0-9._:-]{1,64}$", "pi-test-1"),
    ]

    /// The pattern check alone, without the control-character gate in front of it.
    @Test(arguments: patterns, ["\n", "\r\n", "\r", "\n\n", " ", "\u{2028}"])
    func everyPatternMatchesOnlyTheWholeString(item: (pattern: String, valid: String), ending: String) {
        #expect(InputText.fullyMatches(item.valid, pattern: item.pattern))
        #expect(!InputText.fullyMatches(item.valid + ending, pattern: item.pattern))
        #expect(!InputText.fullyMatches(ending + item.valid, pattern: item.pattern))
    }

    @Test func patternsTakeOnlyASCIIDigits() {
        // Arabic-Indic digits are digits to ICU's \d, not to the contract.
        #expect(!InputText.fullyMatches("\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}\u{667}\u{668}\u{669}", pattern: NoticePatterns.bsn))
        #expect(!InputText.fullyMatches("GM\u{FF10}363", pattern: NoticePatterns.municipality))
    }

    /// NUL, LF, TAB, DEL, a C1 control, the line separator, and the bidi controls.
    static let forbidden: [String] = [
        "\u{0}", "\n", "\t", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}",
        "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{61C}",
    ]

    @Test(arguments: textFields, forbidden)
    func controlAndBidiCharactersInsideAnyFieldAreRefused(field: (type: String, pointer: String), character: String) throws {
        let base = noticeObject(field.type)
        let value = try #require(string(at: field.pointer, in: base))
        let middle = value.index(value.startIndex, offsetBy: value.count / 2)
        let tainted = String(value[..<middle]) + character + String(value[middle...])
        let found = try problems(setting(field.pointer, to: tainted, in: base))
        #expect(found.contains { $0.pointer == field.pointer })
    }

    @Test func aNameWithANulANewlineOrAnOverrideGetsTheControlCharacterRule() throws {
        let cases = [("/person/surname", "Test\u{0}persoon"), ("/person/givenName", "Tes\nsa"),
                     ("/person/surname", "\u{202E}noosreptseT")]
        for (pointer, name) in cases {
            let found = try problems(setting(pointer, to: name, in: noticeObject()))
            #expect(found == [NoticeRequest.FieldProblem(
                pointer: pointer, detail: "must not contain control characters or bidirectional formatting characters")])
        }
    }

    @Test func decomposedNamesArriveComposedInThePublishedNotice() throws {
        var object = setting("person/givenName", to: "Rene\u{301}", in: noticeObject())
        object = setting("person/surname", to: "Mu\u{308}ller", in: object)
        let request = try NoticeRequest.parse(try json(object), now: fixedNow)
        // String == compares canonically, so compare the scalars.
        #expect(Array(request.person.givenName?.unicodeScalars ?? "".unicodeScalars) == Array("Ren\u{E9}".unicodeScalars))
        #expect(Array(request.person.surname.unicodeScalars) == Array("M\u{FC}ller".unicodeScalars))
        let published = Array(try request.notice(subjectId: String(repeating: "0a", count: 16), reportedAt: fixedNow).encodedJSON())
        #expect(published.contains(subsequence: Array("Ren\u{E9}".utf8)))
        #expect(!published.contains(subsequence: Array("e\u{301}".utf8)))
        #expect(!published.contains(subsequence: Array("u\u{308}".utf8)))
    }

    @Test func nameLengthCountsTheComposedForm() throws {
        // 200 characters composed, 400 code points as submitted.
        let long = String(repeating: "e\u{301}", count: 200)
        #expect(try problems(setting("person/surname", to: long, in: noticeObject())).isEmpty)
        let tooLong = String(repeating: "e\u{301}", count: 201)
        #expect(try problems(setting("person/surname", to: tooLong, in: noticeObject())).map(\.pointer) == ["/person/surname"])
        #expect(try problems(setting("person/surname", to: "   ", in: noticeObject())).map(\.pointer) == ["/person/surname"])
    }

    @Test func anUnknownFieldIsNamedOnlyWhenItsNameIsAPlainIdentifier() throws {
        var object = noticeObject()
        object["offence"] = "not allowed here"
        object["999990019"] = true
        object["bad key\n"] = 1
        let found = try problems(object)
        #expect(Set(found.map(\.pointer)) == ["/offence", ""])
        #expect(found.allSatisfy { !$0.pointer.contains("999990019") && !$0.detail.contains("999990019") })
    }

    @Test func theScopeCheckReadsOnlyAWellFormedPrisonCode() {
        #expect(NoticeRequest.declaredPrisonCode(in: ["prisonCode": "PI-TEST"]) == "PI-TEST")
        #expect(NoticeRequest.declaredPrisonCode(in: ["prisonCode": "PI-TEST\n"]) == nil)
        #expect(NoticeRequest.declaredPrisonCode(in: ["prisonCode": 7]) == nil)
        #expect(NoticeRequest.declaredPrisonCode(in: [:]) == nil)
        #expect(NoticeRequest.declaredPrisonCode(in: nil) == nil)
    }
}

extension Array where Element: Equatable {
    func contains(subsequence: [Element]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return subsequence.isEmpty }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
