import Foundation
import NazorgContracts
import NazorgRuntime

/// A notice as a PI desk submits it: the contract notice without `subjectId`, which intake
/// derives from the BSN, with `reportedAt` optional, and without the fields intake derives
/// (`ReleaseDateChanged.direction`, `Released.releaseDate`).
///
/// Parsing checks every field and reports all problems at once, each under its JSON
/// pointer, so a desk can fix a notice in one round. Messages never repeat the values.
public struct NoticeRequest: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case detentionStarted = "DetentionStarted"
        case detentionPlanShared = "DetentionPlanShared"
        case releaseScheduled = "ReleaseScheduled"
        case releaseDateChanged = "ReleaseDateChanged"
        case released = "Released"
        case transferred = "Transferred"
        case noticeWithdrawn = "NoticeWithdrawn"
        case municipalityChanged = "MunicipalityChanged"
    }

    /// The fields that belong to one kind of notice; holding them per kind means a parsed
    /// request always has what its notice needs.
    public enum Details: Sendable {
        case detentionStarted(detentionType: DetentionType, detentionStartDate: CalendarDate, expectedReleaseDate: CalendarDate?)
        case detentionPlanShared(detentionType: DetentionType, expectedReleaseDate: CalendarDate?, needs: [Need], consents: [Domain])
        case releaseScheduled(expectedReleaseDate: CalendarDate)
        case releaseDateChanged(previousReleaseDate: CalendarDate, expectedReleaseDate: CalendarDate,
                                direction: ReleaseDateChanged.Direction, reason: ReleaseDateChanged.Reason)
        case released(releasedAt: Date, releaseType: Released.ReleaseType, unannounced: Bool)
        case transferred(toPrisonCode: String, transferDate: CalendarDate)
        case noticeWithdrawn(withdrawnNoticeId: String, reason: NoticeWithdrawn.Reason)
        /// `municipality` is the new municipality; this the old one, never the same.
        case municipalityChanged(previousMunicipality: String)
    }

    /// The fields every kind of notice has.
    static let commonFields: Set<String> = ["type", "noticeId", "municipality", "prisonCode", "person", "reportedAt",
                                            "correctsNoticeId"]

    public var noticeId: String
    public var municipality: String
    public var prisonCode: String
    /// Names in Unicode NFC.
    public var person: Person
    /// The desk's own time stamp: information only, never used to order anything.
    public var reportedAt: Date?
    /// The `noticeId` of an earlier notice of this PI, of the same type and about the same
    /// person, that this one replaces; checked against ``NoticeStore`` before it is published.
    public var correctsNoticeId: String?
    public var details: Details

    public var kind: Kind {
        switch details {
        case .detentionStarted: return .detentionStarted
        case .detentionPlanShared: return .detentionPlanShared
        case .releaseScheduled: return .releaseScheduled
        case .releaseDateChanged: return .releaseDateChanged
        case .released: return .released
        case .transferred: return .transferred
        case .noticeWithdrawn: return .noticeWithdrawn
        case .municipalityChanged: return .municipalityChanged
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
        // Without a known type every field of any kind is let through here, so that only the
        // type is reported, not each field as foreign.
        let allowed = kind.map(\.fields) ?? Kind.allCases.reduce(into: Set<String>()) { $0.formUnion($1.fields) }
        reader.rejectUnknown(allowed: allowed.union(commonFields))
        let noticeId = reader.string("noticeId", pattern: NoticePatterns.noticeId,
                                     rule: "1 to 64 letters, digits, '.', '_', ':' or '-'")
        let municipality = reader.municipality("municipality", on: dates.today)
        let prisonCode = reader.string("prisonCode", pattern: NoticePatterns.prisonCode, rule: "2 to 24 capitals, digits or '-'")
        let person = reader.person("person", dates: dates)
        let reportedAt = reader.timestamp("reportedAt", required: false, plausible: dates.problem(reportedAt:))
        let corrects = reader.string("correctsNoticeId", required: false, pattern: NoticePatterns.noticeId,
                                     rule: "1 to 64 letters, digits, '.', '_', ':' or '-'")
        let details = kind.flatMap {
            reader.details(of: $0, dates: dates, noticeId: noticeId, prisonCode: prisonCode, municipality: municipality)
        }
        guard reader.problems.isEmpty, let details, let noticeId, let municipality, let prisonCode, let person else {
            throw NoticeValidationError(problems: reader.problems)
        }
        return NoticeRequest(noticeId: noticeId, municipality: municipality, prisonCode: prisonCode,
                             person: person, reportedAt: reportedAt, correctsNoticeId: corrects, details: details)
    }
}

/// Every problem found in a notice.
public struct NoticeValidationError: Error, Sendable {
    public let problems: [NoticeRequest.FieldProblem]
}
