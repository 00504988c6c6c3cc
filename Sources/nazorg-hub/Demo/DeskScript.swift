import Foundation
import NazorgContracts

/// What the simulated PI desk sends about one synthetic person: a whole detention, in one of
/// several courses, so the demo shows every kind of notice. Pure: the same person, day and
/// moment give the same notices, as intake's request bodies.
struct DeskScript {
    /// The courses a detention can take in the demo, chosen by the person's index.
    enum Course: Int, CaseIterable {
        /// Sentence, released on the day as announced.
        case releasedAsPlanned
        /// Sentence, release brought forward by three weeks (conditional release).
        case releaseBroughtForward
        /// Remand without dates, lifted in court without notice.
        case remandLiftedInCourt
        /// Transferred to another PI half-way.
        case transferred
        /// Will settle in another municipality: warm hand-over.
        case movesMunicipality
        /// The plan is corrected: a need turns out to be arranged.
        case planCorrected
    }

    let index: Int
    let municipality: String
    /// The municipality a moving person settles in instead.
    let otherMunicipality: String
    let today: CalendarDate
    let now: Date

    static let prison = "PI-DEMO"
    static let otherPrison = "PI-DEMO-2"

    var course: Course { Course(rawValue: index % Course.allCases.count)! }

    /// Every twelfth person turns out to be the wrong person: the detention start is
    /// withdrawn after the plan went out, and partners are asked to delete what they got.
    var isWrongPerson: Bool { index % 12 == 11 }

    func notices() throws -> [[String: Any]] {
        let release = try today.adding(days: 20 + (index * 7) % 90)
        let remand = course == .remandLiftedInCourt
        var out: [[String: Any]] = []
        var started = base("start", "DetentionStarted")
        started["detentionType"] = remand ? "remand" : "sentence"
        started["detentionStartDate"] = try today.adding(days: -30).description
        if !remand { started["expectedReleaseDate"] = release.description }
        out.append(started)
        var plan = base("plan", "DetentionPlanShared")
        plan["detentionType"] = remand ? "remand" : "sentence"
        if !remand { plan["expectedReleaseDate"] = release.description }
        plan["needs"] = needs()
        plan["consents"] = index % 4 == 3 ? [] : ["housing", "care", "debts"]
        out.append(plan)
        if isWrongPerson {
            var withdrawn = base("withdrawn", "NoticeWithdrawn")
            withdrawn["withdrawnNoticeId"] = noticeId("start")
            withdrawn["reason"] = "wrong-person"
            out.append(withdrawn)
            return out
        }
        if !remand {
            var scheduled = base("release", "ReleaseScheduled")
            scheduled["expectedReleaseDate"] = release.description
            out.append(scheduled)
        }
        switch course {
        case .releasedAsPlanned:
            out.append(released(type: "end-of-sentence", unannounced: false))
        case .releaseBroughtForward:
            var changed = base("earlier", "ReleaseDateChanged")
            changed["previousReleaseDate"] = release.description
            changed["expectedReleaseDate"] = try release.adding(days: -21).description
            changed["reason"] = "conditional-release-granted"
            out.append(changed)
        case .remandLiftedInCourt:
            out.append(released(type: "released-from-court", unannounced: true))
        case .transferred:
            var transfer = base("transfer", "Transferred")
            transfer["toPrisonCode"] = Self.otherPrison
            transfer["transferDate"] = try today.adding(days: 7).description
            out.append(transfer)
        case .movesMunicipality:
            var moved = base("moved", "MunicipalityChanged")
            moved["municipality"] = otherMunicipality
            moved["previousMunicipality"] = municipality
            out.append(moved)
        case .planCorrected:
            var corrected = plan
            corrected["noticeId"] = noticeId("plan-corrected")
            corrected["correctsNoticeId"] = noticeId("plan")
            corrected["needs"] = needs(housingArranged: true)
            out.append(corrected)
        }
        return out
    }

    private func noticeId(_ step: String) -> String { "demo-\(index)-\(step)" }

    private func base(_ step: String, _ type: String) -> [String: Any] {
        let person = SyntheticPeople.person(index)
        return [
            "type": type, "noticeId": noticeId(step), "municipality": municipality, "prisonCode": Self.prison,
            "person": ["bsn": person.bsn, "givenName": person.givenName ?? "", "surname": person.surname,
                       "birthDate": person.birthDate.description],
        ]
    }

    private func released(type: String, unannounced: Bool) -> [String: Any] {
        var notice = base("released", "Released")
        notice["releasedAt"] = ContractCoding.timestamp(now)
        notice["releaseType"] = type
        notice["unannounced"] = unannounced
        return notice
    }

    /// A plan with every status and typed details; one synthetic remark.
    private func needs(housingArranged: Bool = false) -> [[String: Any]] {
        let statuses = ["needed", "needed", "unknown", "arranged", "not-applicable"]
        return Domain.allCases.enumerated().map { offset, domain in
            var status = statuses[(index + offset) % statuses.count]
            if domain == .housing { status = housingArranged ? "arranged" : "needed" }
            var need: [String: Any] = ["domain": domain.rawValue, "status": status]
            if let details = details(domain) { need["details"] = [domain.rawValue: details] }
            if domain == .housing { need["remark"] = "Synthetische opmerking (demo), geen echte persoon." }
            return need
        }
    }

    private func details(_ domain: Domain) -> [String: Any]? {
        switch domain {
        case .id: return ["validDocumentPresent": index % 3 == 0, "documentType": "identity-card"]
        case .housing: return ["currentSituation": index % 2 == 0 ? "own-tenancy" : "no-fixed-abode", "tenancyAtRisk": index % 2 == 0]
        case .income: return ["benefit": "suspended", "employment": "none"]
        case .debts: return ["debtsKnown": true, "estimatedRange": "5000-20000", "underAdministration": false]
        case .care: return ["indicationPresent": index % 2 == 1, "careTypes": index % 2 == 1 ? ["addiction"] : []]
        case .network: return ["contactPersonAvailable": index % 3 != 1]
        }
    }
}
