import Foundation
import NazorgContracts
import NazorgRuntime
import NazorgTestSupport
import Testing
@testable import NazorgIntake

/// A remark no rule text could contain: if it shows up in a problem or a log line, it leaked.
let sentinelRemark = "Sentinel remark 7f3a: synthetic, no real person."

/// A D&R plan whose one need is `need`.
func plan(with need: [String: Any]) -> [String: Any] {
    setting("needs", to: [need], in: noticeObject("DetentionPlanShared"))
}

/// The structured D&R content per basisvoorwaarde (status, details of the need's own domain,
/// a sensitive remark), the municipality change and the correction reference.
@Suite struct NeedDetailsValidationTests {
    @Test func aPlanWithDetailsOfEveryDomainAndARemarkBuildsItsNotice() throws {
        let needs: [[String: Any]] = [
            ["domain": "id", "status": "needed", "details": ["id": ["validDocumentPresent": false, "documentType": "identity-card"]]],
            ["domain": "housing", "status": "needed", "remark": "Line one\nline two\tand a tab; café",
             "details": ["housing": ["currentSituation": "own-tenancy", "tenancyAtRisk": true, "wishesMunicipality": "GM0599"]]],
            ["domain": "income", "status": "arranged", "details": ["income": ["benefit": "suspended", "employment": "none"]]],
            ["domain": "debts", "status": "not-applicable", "details": ["debts": ["debtsKnown": false]]],
            ["domain": "care", "status": "unknown",
             "details": ["care": ["indicationPresent": true, "careTypes": ["addiction", "somatic"], "healthInsured": true]]],
            ["domain": "network", "status": "needed", "details": ["network": ["contactPersonAvailable": true]]],
        ]
        let parsed = try notice(setting("needs", to: needs, in: noticeObject("DetentionPlanShared")))
        guard case .detentionPlanShared(let plan) = parsed else {
            Issue.record("not a plan")
            return
        }
        #expect(plan.needs.count == 6 && plan.needs.allSatisfy(\.hasMatchingDetails))
        #expect(plan.needs[0].details?.id == IDDetails(validDocumentPresent: false, documentType: .identityCard))
        #expect(plan.needs[1].details?.housing?.wishesMunicipality == "GM0599")
        #expect(plan.needs[1].remark == "Line one\nline two\tand a tab; café")
        #expect(plan.needs[3].status == .notApplicable)
        #expect(plan.needs[4].details?.care?.careTypes == [.addiction, .somatic])
        #expect(try payloadsValidateAgainstTheirSchemas([(.detentionPlanShared, "details", try parsed.encodedJSON())]))
    }

    @Test func aRemarkIsKeptInNFC() throws {
        let decomposed = "Cafe\u{301} visit"
        guard case .detentionPlanShared(let plan) = try notice(plan(with: ["domain": "housing", "status": "needed", "remark": decomposed])) else {
            Issue.record("not a plan")
            return
        }
        #expect(plan.needs.first?.remark?.unicodeScalars.count == decomposed.unicodeScalars.count - 1)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var label: String
        var pointer: String
        var need: @Sendable () -> [String: Any]
        var testDescription: String { label }

        init(_ label: String, _ pointer: String, _ need: @escaping @Sendable () -> [String: Any]) {
            self.label = label
            self.pointer = pointer
            self.need = need
        }
    }

    /// One bad form per case, refused at exactly one pointer.
    static let invalid: [Invalid] = [
        Invalid("details of another domain", "/needs/0/details/care", {
            ["domain": "housing", "status": "needed", "details": ["care": ["indicationPresent": true, "careTypes": []]]]
        }),
        Invalid("two domains in one details", "/needs/0/details", {
            ["domain": "housing", "status": "needed",
             "details": ["housing": ["currentSituation": "shelter"], "id": ["validDocumentPresent": true]]]
        }),
        Invalid("empty details", "/needs/0/details", { ["domain": "housing", "status": "needed", "details": [String: Any]()] }),
        Invalid("details not an object", "/needs/0/details", { ["domain": "housing", "status": "needed", "details": "shelter"] }),
        Invalid("a foreign member", "/needs/0/details/flat", {
            ["domain": "housing", "status": "needed", "details": ["flat": ["currentSituation": "shelter"]]]
        }),
        Invalid("unknown situation", "/needs/0/details/housing/currentSituation", {
            ["domain": "housing", "status": "needed", "details": ["housing": ["currentSituation": "castle"]]]
        }),
        Invalid("missing situation", "/needs/0/details/housing/currentSituation", {
            ["domain": "housing", "status": "needed", "details": ["housing": ["tenancyAtRisk": true]]]
        }),
        Invalid("unknown wished municipality", "/needs/0/details/housing/wishesMunicipality", {
            ["domain": "housing", "status": "needed", "details": ["housing": ["currentSituation": "shelter", "wishesMunicipality": "GM9999"]]]
        }),
        Invalid("malformed wished municipality", "/needs/0/details/housing/wishesMunicipality", {
            ["domain": "housing", "status": "needed", "details": ["housing": ["currentSituation": "shelter", "wishesMunicipality": "Utrecht"]]]
        }),
        Invalid("a number as boolean", "/needs/0/details/housing/tenancyAtRisk", {
            ["domain": "housing", "status": "needed", "details": ["housing": ["currentSituation": "shelter", "tenancyAtRisk": 1]]]
        }),
        Invalid("an amount instead of a range", "/needs/0/details/debts/estimatedRange", {
            ["domain": "debts", "status": "needed", "details": ["debts": ["debtsKnown": true, "estimatedRange": "12500"]]]
        }),
        Invalid("unknown benefit", "/needs/0/details/income/benefit", {
            ["domain": "income", "status": "needed", "details": ["income": ["benefit": "bijstand", "employment": "none"]]]
        }),
        Invalid("unknown care type", "/needs/0/details/care/careTypes/1", {
            ["domain": "care", "status": "needed", "details": ["care": ["indicationPresent": true, "careTypes": ["addiction", "dentist"]]]]
        }),
        Invalid("a care type twice", "/needs/0/details/care/careTypes/1", {
            ["domain": "care", "status": "needed", "details": ["care": ["indicationPresent": true, "careTypes": ["somatic", "somatic"]]]]
        }),
        Invalid("a free-text field in details", "/needs/0/details/network/note", {
            ["domain": "network", "status": "needed", "details": ["network": ["contactPersonAvailable": true, "note": sentinelRemark]]]
        }),
        Invalid("unknown status", "/needs/0/status", { ["domain": "housing", "status": "n/a"] }),
        Invalid("a remark too long", "/needs/0/remark", {
            ["domain": "housing", "status": "needed", "remark": sentinelRemark + String(repeating: "x", count: 2001)]
        }),
        Invalid("an empty remark", "/needs/0/remark", { ["domain": "housing", "status": "needed", "remark": ""] }),
        Invalid("a blank remark", "/needs/0/remark", { ["domain": "housing", "status": "needed", "remark": " \n\t "] }),
        Invalid("a remark with a control character", "/needs/0/remark", {
            ["domain": "housing", "status": "needed", "remark": sentinelRemark + "\u{7}"]
        }),
        Invalid("a remark with a bidi override", "/needs/0/remark", {
            ["domain": "housing", "status": "needed", "remark": "\u{202E}" + sentinelRemark]
        }),
        Invalid("a remark that is a number", "/needs/0/remark", { ["domain": "housing", "status": "needed", "remark": 42] }),
    ]

    @Test(arguments: invalid)
    func eachInvalidNeedIsRefusedAtItsPointerWithoutItsText(_ item: Invalid) throws {
        let found = try problems(plan(with: item.need()))
        #expect(found.map(\.pointer) == [item.pointer])
        #expect(found.allSatisfy { !$0.detail.contains("Sentinel") && !$0.detail.contains("castle") && !$0.detail.contains("12500") })
    }

    @Test func aRemarkOfExactly2000CodePointsIsAccepted() throws {
        // Astral characters: 2000 code points, 4000 UTF-16 units.
        let remark = String(repeating: "\u{1F600}", count: Need.maximumRemarkLength)
        #expect(try problems(plan(with: ["domain": "housing", "status": "needed", "remark": remark])).isEmpty)
        #expect(try problems(plan(with: ["domain": "housing", "status": "needed", "remark": remark + "a"])).map(\.pointer)
                == ["/needs/0/remark"])
    }

    @Test func aMunicipalityChangeNamesTwoDifferentKnownMunicipalities() throws {
        guard case .municipalityChanged(let change) = try notice(noticeObject("MunicipalityChanged")) else {
            Issue.record("not a municipality change")
            return
        }
        #expect(change.municipality == "GM0363" && change.previousMunicipality == "GM0599")
        let same = setting("previousMunicipality", to: "GM0363", in: noticeObject("MunicipalityChanged"))
        #expect(try problems(same) == [NoticeRequest.FieldProblem(pointer: "/previousMunicipality", detail: "must differ from municipality")])
        let unknown = setting("previousMunicipality", to: "GM9999", in: noticeObject("MunicipalityChanged"))
        #expect(try problems(unknown).map(\.pointer) == ["/previousMunicipality"])
        #expect(try problems(removing("previousMunicipality", from: noticeObject("MunicipalityChanged"))).map(\.pointer)
                == ["/previousMunicipality"])
        let newUnknown = setting("municipality", to: "GM9999", in: noticeObject("MunicipalityChanged"))
        #expect(try problems(newUnknown).map(\.pointer) == ["/municipality"])
    }

    @Test func aCorrectionReferenceIsAnIdentifierOnEveryKind() throws {
        for kind in NoticeRequest.Kind.allCases {
            let corrected = try notice(setting("correctsNoticeId", to: "pi-test-0", in: noticeObject(kind.rawValue)))
            #expect(String(decoding: try corrected.encodedJSON(), as: UTF8.self).contains(#""correctsNoticeId":"pi-test-0""#))
            let bad = setting("correctsNoticeId", to: "not an id", in: noticeObject(kind.rawValue))
            #expect(try problems(bad).map(\.pointer) == ["/correctsNoticeId"], "\(kind)")
        }
    }
}
