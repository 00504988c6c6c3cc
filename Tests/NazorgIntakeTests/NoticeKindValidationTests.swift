import Foundation
import NazorgContracts
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

/// The fields of the notice kinds beyond the first three, and the detention type.
@Suite struct NoticeKindValidationTests {
    struct Invalid: Sendable, CustomTestStringConvertible {
        var type: String
        var pointer: String
        /// A JSON value (as a JSONSerialization object) the field must refuse.
        var value: @Sendable () -> Any
        var label: String
        var testDescription: String { "\(type) \(pointer) \(label)" }

        init(_ type: String, _ pointer: String, _ label: String, _ value: @escaping @Sendable () -> Any) {
            self.type = type
            self.pointer = pointer
            self.label = label
            self.value = value
        }
    }

    /// One bad form per case; every other field stays valid, so the problem list is exactly
    /// the one pointer.
    static let invalid: [Invalid] = [
        Invalid("DetentionStarted", "/detentionType", "unknown value", { "prison" }),
        Invalid("DetentionStarted", "/detentionType", "wrong case", { "Remand" }),
        Invalid("DetentionStarted", "/detentionType", "a number", { 1 }),
        Invalid("DetentionStarted", "/detentionType", "null", { NSNull() }),
        Invalid("DetentionPlanShared", "/detentionType", "unknown value", { "voorlopige hechtenis" }),
        Invalid("ReleaseDateChanged", "/previousReleaseDate", "not a real date", { "2027-02-30" }),
        Invalid("ReleaseDateChanged", "/previousReleaseDate", "null", { NSNull() }),
        Invalid("ReleaseDateChanged", "/expectedReleaseDate", "same day as before", { "2027-03-15" }),
        Invalid("ReleaseDateChanged", "/expectedReleaseDate", "a time stamp", { "2027-02-22T00:00:00Z" }),
        Invalid("ReleaseDateChanged", "/reason", "an old code", { "early-release" }),
        Invalid("ReleaseDateChanged", "/reason", "free text", { "rechter heeft besloten" }),
        Invalid("Released", "/releasedAt", "a date only", { "2027-01-05" }),
        Invalid("Released", "/releasedAt", "no offset", { "2026-11-23T09:30:00" }),
        Invalid("Released", "/releasedAt", "not a real time", { "2026-11-23T25:30:00Z" }),
        Invalid("Released", "/releasedAt", "a number", { 1_795_426_200 }),
        Invalid("Released", "/releaseType", "unknown value", { "escaped" }),
        Invalid("Released", "/releaseType", "null", { NSNull() }),
        Invalid("Released", "/unannounced", "the number one", { 1 }),
        Invalid("Released", "/unannounced", "the number zero", { 0 }),
        Invalid("Released", "/unannounced", "a string", { "true" }),
        Invalid("Released", "/unannounced", "null", { NSNull() }),
        Invalid("Transferred", "/toPrisonCode", "the PI of origin", { "PI-TEST" }),
        Invalid("Transferred", "/toPrisonCode", "lower case", { "pi-test-2" }),
        Invalid("Transferred", "/toPrisonCode", "too long", { String(repeating: "P", count: 25) }),
        Invalid("Transferred", "/transferDate", "not a date", { "next week" }),
        Invalid("NoticeWithdrawn", "/withdrawnNoticeId", "its own id", { "pi-test-1" }),
        Invalid("NoticeWithdrawn", "/withdrawnNoticeId", "a space", { "pi test 0" }),
        Invalid("NoticeWithdrawn", "/withdrawnNoticeId", "empty", { "" }),
        Invalid("NoticeWithdrawn", "/withdrawnNoticeId", "an object", { ["noticeId": "pi-test-0"] }),
        Invalid("NoticeWithdrawn", "/reason", "outside the three reasons", { "other" }),
    ]

    @Test(arguments: invalid)
    func eachInvalidFormIsRefusedAtItsPointerWithoutItsValue(_ item: Invalid) throws {
        let value = item.value()
        let found = try problems(setting(item.pointer, to: value, in: noticeObject(item.type)))
        #expect(found.map(\.pointer) == [item.pointer])
        // Short values ("true") may be words of the rule itself.
        if let text = value as? String, text.count > 4 {
            #expect(found.allSatisfy { !$0.detail.contains(text) })
        }
    }

    static let requiredFields: [(type: String, field: String)] = [
        ("DetentionStarted", "detentionType"), ("DetentionStarted", "detentionStartDate"),
        ("DetentionPlanShared", "detentionType"), ("ReleaseDateChanged", "previousReleaseDate"),
        ("ReleaseDateChanged", "expectedReleaseDate"), ("ReleaseDateChanged", "reason"),
        ("Released", "releasedAt"), ("Released", "releaseType"), ("Released", "unannounced"),
        ("Transferred", "toPrisonCode"), ("Transferred", "transferDate"),
        ("NoticeWithdrawn", "withdrawnNoticeId"), ("NoticeWithdrawn", "reason"),
    ]

    @Test(arguments: requiredFields)
    func everyFieldOfAKindIsRequired(_ item: (type: String, field: String)) throws {
        let found = try problems(removing(item.field, from: noticeObject(item.type)))
        #expect(found == [NoticeRequest.FieldProblem(pointer: "/\(item.field)", detail: "is required")])
    }

    /// Fields the hub derives, and fields of other kinds, are not part of a notice.
    static let foreignFields: [(type: String, field: String)] = [
        ("Released", "releaseDate"), ("ReleaseDateChanged", "direction"), ("Released", "expectedReleaseDate"),
        ("Transferred", "detentionType"), ("NoticeWithdrawn", "needs"), ("ReleaseScheduled", "detentionType"),
        ("DetentionStarted", "releaseType"),
    ]

    @Test(arguments: foreignFields)
    func fieldsOfOtherKindsAndDerivedFieldsAreRefused(_ item: (type: String, field: String)) throws {
        var object = noticeObject(item.type)
        object[item.field] = "2027-02-22"
        #expect(try problems(object) == [NoticeRequest.FieldProblem(pointer: "/\(item.field)", detail: "is not a field of this notice type")])
    }

    @Test func aRemandDetentionWithoutReleaseDateIsAccepted() throws {
        var object = setting("detentionType", to: "remand", in: noticeObject("DetentionStarted"))
        object["expectedReleaseDate"] = nil
        guard case .detentionStarted(let started) = try notice(object) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(started.detentionType == .remand)
        #expect(started.expectedReleaseDate == nil)
        #expect(started.detentionStartDate == CalendarDate(year: 2026, month: 11, day: 1))
    }

    @Test(arguments: DetentionType.allCases)
    func aPlanNeedsAReleaseDateOnlyForASentence(_ type: DetentionType) throws {
        var object = setting("detentionType", to: type.rawValue, in: noticeObject("DetentionPlanShared"))
        object["expectedReleaseDate"] = nil
        let found = try problems(object)
        if type == .sentence {
            #expect(found == [NoticeRequest.FieldProblem(pointer: "/expectedReleaseDate", detail: "is required for a sentence")])
        } else {
            #expect(found.isEmpty)
            guard case .detentionPlanShared(let plan) = try notice(object) else {
                Issue.record("wrong notice kind")
                return
            }
            #expect(plan.detentionType == type)
            #expect(plan.expectedReleaseDate == nil)
        }
        // A date given on remand is kept.
        let dated = setting("detentionType", to: type.rawValue, in: noticeObject("DetentionPlanShared"))
        guard case .detentionPlanShared(let plan) = try notice(dated) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(plan.expectedReleaseDate == CalendarDate(year: 2027, month: 3, day: 15))
    }

    @Test func aPlanWithAnUnreadableTypeReportsOnlyTheType() throws {
        var object = setting("detentionType", to: "life", in: noticeObject("DetentionPlanShared"))
        object["expectedReleaseDate"] = nil
        #expect(try problems(object).map(\.pointer) == ["/detentionType"])
    }

    @Test func aDateChangeCarriesItsDirection() throws {
        guard case .releaseDateChanged(let earlier) = try notice(noticeObject("ReleaseDateChanged")) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(earlier.direction == .earlier)
        #expect(earlier.previousReleaseDate == CalendarDate(year: 2027, month: 3, day: 15))
        #expect(earlier.expectedReleaseDate == CalendarDate(year: 2027, month: 2, day: 22))
        #expect(earlier.reason == .conditionalReleaseGranted)
        var object = setting("expectedReleaseDate", to: "2027-05-01", in: noticeObject("ReleaseDateChanged"))
        object = setting("reason", to: "conditional-release-revoked", in: object)
        guard case .releaseDateChanged(let later) = try notice(object) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(later.direction == .later)
        #expect(later.reason == .conditionalReleaseRevoked)
    }

    @Test(arguments: ReleaseDateChanged.Reason.allCases)
    func everyDateChangeReasonIsAccepted(_ reason: ReleaseDateChanged.Reason) throws {
        #expect(try problems(setting("reason", to: reason.rawValue, in: noticeObject("ReleaseDateChanged"))).isEmpty)
    }

    @Test func aReleaseKeepsItsMomentAndItsDayInAmsterdam() throws {
        // 23:30 UTC on 22 November is 00:30 on 23 November in Amsterdam.
        var object = setting("releasedAt", to: "2026-11-22T23:30:00Z", in: noticeObject("Released"))
        object = setting("unannounced", to: true, in: object)
        object = setting("releaseType", to: "released-from-court", in: object)
        guard case .released(let released) = try notice(object) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(released.releasedAt == ContractCoding.parseTimestamp("2026-11-22T23:30:00Z"))
        #expect(released.releaseDate == CalendarDate(year: 2026, month: 11, day: 23))
        #expect(released.unannounced)
        #expect(released.releaseType == .releasedFromCourt)
        guard case .released(let announced) = try notice(noticeObject("Released")) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(!announced.unannounced)
        #expect(announced.releaseDate == CalendarDate(year: 2026, month: 11, day: 23))
    }

    @Test(arguments: Released.ReleaseType.allCases)
    func everyReleaseTypeIsAccepted(_ type: Released.ReleaseType) throws {
        #expect(try problems(setting("releaseType", to: type.rawValue, in: noticeObject("Released"))).isEmpty)
    }

    @Test func aTransferNamesTheReceivingPI() throws {
        guard case .transferred(let transfer) = try notice(noticeObject("Transferred")) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(transfer.prisonCode == "PI-TEST")
        #expect(transfer.toPrisonCode == "PI-TEST-2")
        #expect(transfer.transferDate == CalendarDate(year: 2026, month: 12, day: 10))
    }

    @Test(arguments: NoticeWithdrawn.Reason.allCases)
    func aWithdrawalNamesTheNoticeItWithdraws(_ reason: NoticeWithdrawn.Reason) throws {
        guard case .noticeWithdrawn(let withdrawal) = try notice(setting("reason", to: reason.rawValue, in: noticeObject("NoticeWithdrawn"))) else {
            Issue.record("wrong notice kind")
            return
        }
        #expect(withdrawal.withdrawnNoticeId == "pi-test-0")
        #expect(withdrawal.noticeId == "pi-test-1")
        #expect(withdrawal.reason == reason)
    }

    @Test func everyProblemOfANewKindIsReportedAtOnce() throws {
        var object = noticeObject("Released")
        object["releasedAt"] = "gisteren"
        object["releaseType"] = "escaped"
        object["unannounced"] = "yes"
        object["person"] = ["bsn": "999990018", "surname": "Testpersoon", "birthDate": "1990-01-01"]
        object["prisonCode"] = "pi test"
        let found = try problems(object)
        #expect(Set(found.map(\.pointer)) == ["/releasedAt", "/releaseType", "/unannounced", "/person/bsn", "/prisonCode"])
        #expect(found.allSatisfy { !$0.detail.contains("gisteren") && !$0.detail.contains("escaped") && !$0.detail.contains("999990018") })
    }
}
