import Foundation
import NazorgContracts

/// A notice as a PI desk submits it: the contract notice without `subjectId`, which intake
/// derives from the BSN, and with `reportedAt` optional.
///
/// Parsing checks every field and reports all problems at once, each under its JSON
/// pointer, so a desk can fix a notice in one round. Messages never repeat the values.
public struct NoticeRequest: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case detentionStarted = "DetentionStarted"
        case detentionPlanShared = "DetentionPlanShared"
        case releaseScheduled = "ReleaseScheduled"
    }

    public var kind: Kind
    public var noticeId: String
    public var municipality: String
    public var prisonCode: String
    public var person: Person
    public var reportedAt: Date?
    public var detentionStartDate: CalendarDate?
    public var expectedReleaseDate: CalendarDate?
    public var needs: [Need]
    public var consents: [Domain]

    /// One problem with one field.
    public struct FieldProblem: Sendable, Equatable {
        public var pointer: String
        public var detail: String
    }

    /// Parses and validates a JSON body. Throws the full list of problems.
    public static func parse(_ body: Data, today: CalendarDate) throws(NoticeValidationError) -> NoticeRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw NoticeValidationError(problems: [FieldProblem(pointer: "", detail: "the body must be a JSON object")])
        }
        var reader = FieldReader(object: object)
        let kind = reader.enumeration("type", Kind.self)
        let allowed: Set<String>
        switch kind {
        case .detentionStarted?: allowed = ["detentionStartDate", "expectedReleaseDate"]
        case .detentionPlanShared?: allowed = ["expectedReleaseDate", "needs", "consents"]
        case .releaseScheduled?: allowed = ["expectedReleaseDate"]
        case nil: allowed = ["detentionStartDate", "expectedReleaseDate", "needs", "consents"]
        }
        reader.rejectUnknown(allowed: allowed.union(["type", "noticeId", "municipality", "prisonCode", "person", "reportedAt"]))
        let noticeId = reader.string("noticeId", pattern: "^[A-Za-z0-9._:-]{1,64}$",
                                     rule: "1 to 64 letters, digits, '.', '_', ':' or '-'")
        let municipality = reader.municipality("municipality", on: today)
        let prisonCode = reader.string("prisonCode", pattern: "^[A-Z0-9-]{2,24}$", rule: "2 to 24 capitals, digits or '-'")
        let person = reader.person("person")
        let reportedAt = reader.optionalTimestamp("reportedAt")
        var start: CalendarDate?
        var release: CalendarDate?
        var needs: [Need] = []
        var consents: [Domain] = []
        switch kind {
        case .detentionStarted?:
            start = reader.date("detentionStartDate")
            release = reader.optionalDate("expectedReleaseDate")
            if let s = start, let r = release, r < s {
                reader.problem("/expectedReleaseDate", "must not be before detentionStartDate")
            }
        case .detentionPlanShared?:
            release = reader.date("expectedReleaseDate")
            needs = reader.needs("needs")
            consents = reader.domains("consents")
        case .releaseScheduled?:
            release = reader.date("expectedReleaseDate")
        case nil:
            break
        }
        guard reader.problems.isEmpty, let kind, let noticeId, let municipality, let prisonCode, let person else {
            throw NoticeValidationError(problems: reader.problems)
        }
        return NoticeRequest(kind: kind, noticeId: noticeId, municipality: municipality, prisonCode: prisonCode,
                             person: person, reportedAt: reportedAt, detentionStartDate: start,
                             expectedReleaseDate: release, needs: needs, consents: consents)
    }

    /// The contract notice for this request.
    public func notice(subjectId: String, reportedAt fallback: Date) -> IntakeNotice {
        let reported = reportedAt ?? fallback
        switch kind {
        case .detentionStarted:
            return .detentionStarted(DetentionStarted(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, detentionStartDate: detentionStartDate!,
                expectedReleaseDate: expectedReleaseDate))
        case .detentionPlanShared:
            return .detentionPlanShared(DetentionPlanShared(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, expectedReleaseDate: expectedReleaseDate!, needs: needs,
                consents: consents))
        case .releaseScheduled:
            return .releaseScheduled(ReleaseScheduled(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, expectedReleaseDate: expectedReleaseDate!))
        }
    }
}

/// Every problem found in a notice.
public struct NoticeValidationError: Error, Sendable {
    public let problems: [NoticeRequest.FieldProblem]
}
