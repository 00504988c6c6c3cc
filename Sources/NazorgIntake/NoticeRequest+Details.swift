import Foundation
import NazorgContracts
import NazorgRuntime

extension NoticeRequest.Kind {
    /// The fields of this kind besides ``NoticeRequest/commonFields``.
    var fields: Set<String> {
        switch self {
        case .detentionStarted: return ["detentionType", "detentionStartDate", "expectedReleaseDate"]
        case .detentionPlanShared: return ["detentionType", "expectedReleaseDate", "needs", "consents"]
        case .releaseScheduled: return ["expectedReleaseDate"]
        case .releaseDateChanged: return ["previousReleaseDate", "expectedReleaseDate", "reason"]
        case .released: return ["releasedAt", "releaseType", "unannounced"]
        case .transferred: return ["toPrisonCode", "transferDate"]
        case .noticeWithdrawn: return ["withdrawnNoticeId", "reason"]
        case .municipalityChanged: return ["previousMunicipality"]
        }
    }
}

extension FieldReader {
    /// Reads the fields of one kind of notice, with the rules that tie them to each other or
    /// to the common fields (`noticeId`, `prisonCode` and `municipality`, nil when those were
    /// invalid). Nil when any of them is missing or invalid; the problems are recorded.
    mutating func details(of kind: NoticeRequest.Kind, dates: PlausibleDates, noticeId: String?,
                          prisonCode: String?, municipality: String?) -> NoticeRequest.Details? {
        switch kind {
        case .detentionStarted:
            let type = enumeration("detentionType", DetentionType.self)
            let start = date("detentionStartDate", plausible: dates.problem(detentionStart:))
            let release = date("expectedReleaseDate", required: false, plausible: dates.problem(expectedRelease:))
            if let start, let release, release < start {
                problem(pointer("expectedReleaseDate"), "must not be before detentionStartDate")
                return nil
            }
            guard let type, let start else { return nil }
            return .detentionStarted(detentionType: type, detentionStartDate: start, expectedReleaseDate: release)

        case .detentionPlanShared:
            let type = enumeration("detentionType", DetentionType.self)
            // Whether the date is required depends on the type; an unreadable type leaves it
            // optional here, so only the type is reported.
            let required = type.map(DetentionPlanShared.requiresReleaseDate) ?? false
            let release = date("expectedReleaseDate", required: false, plausible: dates.problem(expectedRelease:))
            if required, isAbsent("expectedReleaseDate") {
                problem(pointer("expectedReleaseDate"), "is required for a sentence")
            }
            let needs = self.needs("needs", today: dates.today)
            let consents = domains("consents")
            guard let type, !required || release != nil else { return nil }
            return .detentionPlanShared(detentionType: type, expectedReleaseDate: release, needs: needs, consents: consents)

        case .releaseScheduled:
            return date("expectedReleaseDate", plausible: dates.problem(expectedRelease:))
                .map { .releaseScheduled(expectedReleaseDate: $0) }

        case .releaseDateChanged:
            let previous = date("previousReleaseDate", plausible: dates.problem(expectedRelease:))
            let expected = date("expectedReleaseDate", plausible: dates.problem(expectedRelease:))
            let reason = enumeration("reason", ReleaseDateChanged.Reason.self)
            guard let previous, let expected else { return nil }
            guard let direction = ReleaseDateChanged.Direction(from: previous, to: expected) else {
                problem(pointer("expectedReleaseDate"), "must differ from previousReleaseDate")
                return nil
            }
            guard let reason else { return nil }
            return .releaseDateChanged(previousReleaseDate: previous, expectedReleaseDate: expected,
                                       direction: direction, reason: reason)

        case .released:
            let releasedAt = timestamp("releasedAt", plausible: dates.problem(releasedAt:))
            let type = enumeration("releaseType", Released.ReleaseType.self)
            let unannounced = boolean("unannounced")
            guard let releasedAt, let type, let unannounced else { return nil }
            return .released(releasedAt: releasedAt, releaseType: type, unannounced: unannounced)

        case .transferred:
            let destination = string("toPrisonCode", pattern: NoticePatterns.prisonCode, rule: "2 to 24 capitals, digits or '-'")
            let day = date("transferDate", plausible: dates.problem(transferDate:))
            if let destination, destination == prisonCode {
                problem(pointer("toPrisonCode"), "must differ from prisonCode")
                return nil
            }
            guard let destination, let day else { return nil }
            return .transferred(toPrisonCode: destination, transferDate: day)

        case .noticeWithdrawn:
            let withdrawn = string("withdrawnNoticeId", pattern: NoticePatterns.noticeId,
                                   rule: "1 to 64 letters, digits, '.', '_', ':' or '-'")
            let reason = enumeration("reason", NoticeWithdrawn.Reason.self)
            if let withdrawn, withdrawn == noticeId {
                problem(pointer("withdrawnNoticeId"), "must name another notice than noticeId")
                return nil
            }
            guard let withdrawn, let reason else { return nil }
            return .noticeWithdrawn(withdrawnNoticeId: withdrawn, reason: reason)

        case .municipalityChanged:
            // The old municipality may have ended meanwhile (a merger during the detention).
            let previous = self.municipality("previousMunicipality", on: nil)
            if let previous, previous == municipality {
                problem(pointer("previousMunicipality"), "must differ from municipality")
                return nil
            }
            return previous.map { .municipalityChanged(previousMunicipality: $0) }
        }
    }
}
