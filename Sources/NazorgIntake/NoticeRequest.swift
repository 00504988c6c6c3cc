import Foundation
import NazorgContracts
import NazorgRuntime

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

    /// The fields that belong to one kind of notice; holding them per kind means a parsed
    /// request always has what its notice needs.
    public enum Details: Sendable {
        case detentionStarted(detentionStartDate: CalendarDate, expectedReleaseDate: CalendarDate?)
        case detentionPlanShared(expectedReleaseDate: CalendarDate, needs: [Need], consents: [Domain])
        case releaseScheduled(expectedReleaseDate: CalendarDate)
    }

    public var noticeId: String
    public var municipality: String
    public var prisonCode: String
    /// Names in Unicode NFC.
    public var person: Person
    /// The desk's own time stamp: information only, never used to order anything.
    public var reportedAt: Date?
    public var details: Details

    public var kind: Kind {
        switch details {
        case .detentionStarted: return .detentionStarted
        case .detentionPlanShared: return .detentionPlanShared
        case .releaseScheduled: return .releaseScheduled
        }
    }

    /// One problem with one field.
    public struct FieldProblem: Sendable, Equatable {
        public var pointer: String
        public var detail: String
    }

    /// The body as a JSON object, or nil when it is not one.
    static func jsonObject(_ body: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// The `prisonCode` a body names, read before anything else is validated so that the
    /// caller's scope is checked first. Nil unless it is a well-formed prison code.
    static func declaredPrisonCode(in object: [String: Any]?) -> String? {
        guard let code = object?["prisonCode"] as? String, !InputText.containsForbidden(code),
              InputText.fullyMatches(code, pattern: NoticePatterns.prisonCode) else { return nil }
        return code
    }

    /// Parses and validates a JSON body received at `now` (the hub's clock). Throws the full
    /// list of problems.
    public static func parse(_ body: Data, now: Date) throws(NoticeValidationError) -> NoticeRequest {
        try parse(object: jsonObject(body), now: now)
    }

    static func parse(object: [String: Any]?, now: Date) throws(NoticeValidationError) -> NoticeRequest {
        guard let object else {
            throw NoticeValidationError(problems: [FieldProblem(pointer: "", detail: "the body must be a JSON object")])
        }
        let dates = PlausibleDates(now: now)
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
        let noticeId = reader.string("noticeId", pattern: NoticePatterns.noticeId,
                                     rule: "1 to 64 letters, digits, '.', '_', ':' or '-'")
        let municipality = reader.municipality("municipality", on: dates.today)
        let prisonCode = reader.string("prisonCode", pattern: NoticePatterns.prisonCode, rule: "2 to 24 capitals, digits or '-'")
        let person = reader.person("person", dates: dates)
        let reportedAt = reader.optionalTimestamp("reportedAt", plausible: dates.problem(reportedAt:))
        let details: Details?
        switch kind {
        case .detentionStarted?:
            let start = reader.date("detentionStartDate", plausible: dates.problem(detentionStart:))
            let release = reader.date("expectedReleaseDate", required: false, plausible: dates.problem(expectedRelease:))
            if let start, let release, release < start {
                reader.problem("/expectedReleaseDate", "must not be before detentionStartDate")
            }
            details = start.map { .detentionStarted(detentionStartDate: $0, expectedReleaseDate: release) }
        case .detentionPlanShared?:
            let release = reader.date("expectedReleaseDate", plausible: dates.problem(expectedRelease:))
            let needs = reader.needs("needs")
            let consents = reader.domains("consents")
            details = release.map { .detentionPlanShared(expectedReleaseDate: $0, needs: needs, consents: consents) }
        case .releaseScheduled?:
            details = reader.date("expectedReleaseDate", plausible: dates.problem(expectedRelease:))
                .map { .releaseScheduled(expectedReleaseDate: $0) }
        case nil:
            details = nil
        }
        guard reader.problems.isEmpty, let details, let noticeId, let municipality, let prisonCode, let person else {
            throw NoticeValidationError(problems: reader.problems)
        }
        return NoticeRequest(noticeId: noticeId, municipality: municipality, prisonCode: prisonCode,
                             person: person, reportedAt: reportedAt, details: details)
    }

    /// The contract notice for this request; `fallback` stands in for a missing `reportedAt`.
    public func notice(subjectId: String, reportedAt fallback: Date) -> IntakeNotice {
        let reported = reportedAt ?? fallback
        switch details {
        case .detentionStarted(let start, let release):
            return .detentionStarted(DetentionStarted(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, detentionStartDate: start, expectedReleaseDate: release))
        case .detentionPlanShared(let release, let needs, let consents):
            return .detentionPlanShared(DetentionPlanShared(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, expectedReleaseDate: release, needs: needs, consents: consents))
        case .releaseScheduled(let release):
            return .releaseScheduled(ReleaseScheduled(
                noticeId: noticeId, subjectId: subjectId, municipality: municipality, prisonCode: prisonCode,
                person: person, reportedAt: reported, expectedReleaseDate: release))
        }
    }
}

/// Every problem found in a notice.
public struct NoticeValidationError: Error, Sendable {
    public let problems: [NoticeRequest.FieldProblem]
}
