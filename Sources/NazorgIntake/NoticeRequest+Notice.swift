import Foundation
import NazorgContracts

extension NoticeRequest {
    /// The contract notice for this request; `fallback` stands in for a missing `reportedAt`.
    public func notice(subjectId: String, reportedAt fallback: Date) -> IntakeNotice {
        let reported = reportedAt ?? fallback
        let corrects = correctsNoticeId
        switch details {
        case .detentionStarted(let type, let start, let release):
            return .detentionStarted(DetentionStarted(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, detentionType: type, detentionStartDate: start,
                expectedReleaseDate: release, correctsNoticeId: corrects))
        case .detentionPlanShared(let type, let release, let needs, let consents):
            return .detentionPlanShared(DetentionPlanShared(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, detentionType: type, expectedReleaseDate: release,
                needs: needs, consents: consents, correctsNoticeId: corrects))
        case .releaseScheduled(let release):
            return .releaseScheduled(ReleaseScheduled(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, expectedReleaseDate: release, correctsNoticeId: corrects))
        case .releaseDateChanged(let previous, let expected, let direction, let reason):
            return .releaseDateChanged(ReleaseDateChanged(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, previousReleaseDate: previous, expectedReleaseDate: expected,
                direction: direction, reason: reason, correctsNoticeId: corrects))
        case .released(let releasedAt, let type, let unannounced):
            return .released(Released(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, releasedAt: releasedAt, releaseType: type, unannounced: unannounced,
                correctsNoticeId: corrects))
        case .transferred(let destination, let day):
            return .transferred(Transferred(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, toPrisonCode: destination, transferDate: day, correctsNoticeId: corrects))
        case .noticeWithdrawn(let withdrawn, let reason):
            return .noticeWithdrawn(NoticeWithdrawn(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, withdrawnNoticeId: withdrawn, reason: reason, correctsNoticeId: corrects))
        case .municipalityChanged(let previous):
            return .municipalityChanged(MunicipalityChanged(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, previousMunicipality: previous, correctsNoticeId: corrects))
        }
    }
}
