import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime

/// Synthetic test data: an obviously fake person and partners in Amsterdam (GM0363) and
/// Rotterdam (GM0599).
enum Fixtures {
    static let person = Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon",
                               birthDate: CalendarDate(year: 1990, month: 1, day: 1)!)
    static let subject = String(repeating: "7a", count: 16)

    static let directory = try! PartnerDirectory(partners: [
        .init(id: "regie-ams", name: "Regie", role: .municipalityCoordinator, domains: [], municipalities: ["GM0363"], webhook: nil),
        .init(id: "id-ams", name: "ID", role: .civilAffairs, domains: [.id], municipalities: ["GM0363"], webhook: nil),
        .init(id: "woon-ams", name: "Woon", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"], webhook: nil),
        .init(id: "wi-ams", name: "WI", role: .socialServices, domains: [.income], municipalities: ["GM0363"], webhook: nil),
        .init(id: "netwerk-ams", name: "Netwerk", role: .socialServices, domains: [.network], municipalities: ["GM0363"], webhook: nil),
        .init(id: "schuld-nl", name: "Schuld", role: .debtRelief, domains: [.debts], municipalities: ["*"], webhook: nil),
        .init(id: "zorg-nl", name: "Zorg", role: .careProvider, domains: [.care], municipalities: ["*"], webhook: nil),
        .init(id: "regie-rdam", name: "Regie R", role: .municipalityCoordinator, domains: [], municipalities: ["GM0599"], webhook: nil),
        .init(id: "woon-rdam", name: "Woon R", role: .housingCorporation, domains: [.housing], municipalities: ["GM0599"], webhook: nil),
    ])
}

/// An instant from its ISO 8601 text.
func at(_ text: String) -> Date {
    guard let date = ContractCoding.parseTimestamp(text) else { preconditionFailure("bad test timestamp \(text)") }
    return date
}

/// A day from `YYYY-MM-DD`.
func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(string: text) else { preconditionFailure("bad test date \(text)") }
    return date
}

/// A PI desk that writes notices about the fake person.
struct PIDesk: Sendable {
    var subject = Fixtures.subject
    var municipality = "GM0363"
    var prison = "PI-TEST"

    func started(_ id: String, start: String, expected: String? = nil, type: DetentionType = .sentence,
                 corrects: String? = nil) -> IntakeNotice {
        .detentionStarted(DetentionStarted(noticeId: id, subjectId: subject, municipality: municipality, prisonCode: prison,
                                           person: Fixtures.person, reportedAt: at("2026-01-01T00:00:00Z"), detentionType: type,
                                           detentionStartDate: day(start), expectedReleaseDate: expected.map(day),
                                           correctsNoticeId: corrects))
    }

    func plan(_ id: String, expected: String? = nil, type: DetentionType = .sentence, _ needs: [Need],
              corrects: String? = nil) -> IntakeNotice {
        .detentionPlanShared(DetentionPlanShared(noticeId: id, subjectId: subject, municipality: municipality, prisonCode: prison,
                                                 person: Fixtures.person, reportedAt: at("2026-01-01T00:00:00Z"),
                                                 detentionType: type, expectedReleaseDate: expected.map(day), needs: needs,
                                                 consents: needs.map(\.domain), correctsNoticeId: corrects))
    }

    func scheduled(_ id: String, _ expected: String) -> IntakeNotice {
        .releaseScheduled(ReleaseScheduled(noticeId: id, subjectId: subject, municipality: municipality, prisonCode: prison,
                                           person: Fixtures.person, reportedAt: at("2026-01-01T00:00:00Z"),
                                           expectedReleaseDate: day(expected)))
    }

    func dateChanged(_ id: String, from previous: String, to expected: String, corrects: String? = nil) -> IntakeNotice {
        let direction = ReleaseDateChanged.Direction(from: day(previous), to: day(expected)) ?? .earlier
        return .releaseDateChanged(ReleaseDateChanged(noticeId: id, subjectId: subject, municipality: municipality,
                                                      prisonCode: prison, person: Fixtures.person,
                                                      reportedAt: at("2026-01-01T00:00:00Z"), previousReleaseDate: day(previous),
                                                      expectedReleaseDate: day(expected), direction: direction,
                                                      reason: .conditionalReleaseGranted, correctsNoticeId: corrects))
    }

    func released(_ id: String, _ moment: String, type: Released.ReleaseType = .endOfSentence,
                  unannounced: Bool = false) -> IntakeNotice {
        .released(Released(noticeId: id, subjectId: subject, municipality: municipality, prisonCode: prison,
                           person: Fixtures.person, reportedAt: at(moment), releasedAt: at(moment), releaseType: type,
                           unannounced: unannounced))
    }

    func transferred(_ id: String, to prison: String, on date: String) -> IntakeNotice {
        .transferred(Transferred(noticeId: id, subjectId: subject, municipality: municipality, prisonCode: self.prison,
                                 person: Fixtures.person, reportedAt: at("2026-01-01T00:00:00Z"), toPrisonCode: prison,
                                 transferDate: day(date)))
    }

    func withdrawn(_ id: String, notice withdrawn: String, reason: NoticeWithdrawn.Reason) -> IntakeNotice {
        .noticeWithdrawn(NoticeWithdrawn(noticeId: id, subjectId: subject, municipality: municipality, prisonCode: prison,
                                         person: Fixtures.person, reportedAt: at("2026-01-01T00:00:00Z"),
                                         withdrawnNoticeId: withdrawn, reason: reason))
    }

    func moved(_ id: String, to municipality: String) -> IntakeNotice {
        .municipalityChanged(MunicipalityChanged(noticeId: id, subjectId: subject, municipality: municipality,
                                                 prisonCode: prison, person: Fixtures.person,
                                                 reportedAt: at("2026-01-01T00:00:00Z"), previousMunicipality: self.municipality))
    }
}

func need(_ domain: Domain, _ status: NeedStatus, details: NeedDetails? = nil, remark: String? = nil) -> Need {
    Need(domain: domain, status: status, details: details, remark: remark)
}
