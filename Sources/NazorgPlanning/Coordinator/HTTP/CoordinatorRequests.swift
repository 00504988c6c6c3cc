import Foundation
import NazorgContracts
import NazorgRuntime

// What each coordinator request may say, read strictly: closed codes from the enums, text
// by the InputText rules, no unknown fields. The API reads JSON bodies and query strings,
// the page reads forms; both go through these.

extension CaseQuery {
    static let parameters: Set<String> = ["municipality", "status", "basisvoorwaarde", "hasOpenEscalations",
                                          "releaseWithinDays", "limit", "offset"]
    static let maximumLimit = 500

    /// The filters of `GET /v1/cases`; empty values count as absent (a form sends them).
    static func read(_ values: [String: String]) throws -> CaseQuery {
        var reader = InputReader(values: values.filter { !$0.value.isEmpty }, prefix: "")
        reader.rejectUnknown(allowed: parameters)
        let query = CaseQuery(municipality: reader.municipality("municipality"),
                              status: reader.code("status", CaseStatusCode.self, required: false)?.status,
                              domain: reader.code("basisvoorwaarde", Domain.self, required: false),
                              hasOpenEscalations: reader.boolean("hasOpenEscalations"),
                              releaseWithinDays: reader.integer("releaseWithinDays", in: 0...3_650),
                              limit: reader.integer("limit", in: 1...maximumLimit) ?? 100,
                              offset: reader.integer("offset", in: 0...1_000_000) ?? 0)
        try reader.finish()
        return query
    }
}

/// The case statuses a filter may name (`CaseRecord.Status`, as a closed list of codes).
private enum CaseStatusCode: String, CaseIterable {
    case open, closed

    var status: CaseRecord.Status { self == .open ? .open : .closed }
}

extension EscalationQuery {
    static let parameters: Set<String> = ["status", "municipality", "caseId", "limit"]
    static let maximumLimit = 1_000

    /// The filters of `GET /v1/escalations`: by default the open inbox.
    static func read(_ values: [String: String]) throws -> EscalationQuery {
        var reader = InputReader(values: values.filter { !$0.value.isEmpty }, prefix: "")
        reader.rejectUnknown(allowed: parameters)
        let status = reader.code("status", EscalationView.StatusFilter.self, required: false) ?? .open
        let query = EscalationQuery(status: status == .all ? nil : status, municipality: reader.municipality("municipality"),
                                    caseId: reader.uuid("caseId"), limit: reader.integer("limit", in: 1...maximumLimit) ?? 200)
        try reader.finish()
        return query
    }
}

/// The body of acknowledge (`note` optional) and resolve (`note` required).
struct EscalationNoteBody: Equatable {
    var note: String?

    static func read(_ reader: inout InputReader, noteRequired: Bool) throws -> EscalationNoteBody {
        reader.rejectUnknown(allowed: ["note"])
        let note = reader.text("note", required: noteRequired, maximum: InputReader.maximumNoteLength, multiline: true)
        try reader.finish()
        return EscalationNoteBody(note: note)
    }
}

struct ReassignBody: Equatable {
    var partnerId: String
    var reason: String

    static func read(_ reader: inout InputReader) throws -> ReassignBody {
        reader.rejectUnknown(allowed: ["partnerId", "reason"])
        let partnerId = reader.matching("partnerId", pattern: ContractPatterns.partnerId, rule: "a partner id", required: true)
        let reason = reader.text("reason", required: true, maximum: InputReader.maximumReasonLength, multiline: false)
        try reader.finish()
        guard let partnerId, let reason else { throw ProblemDetails.invalidFields(reader.errors) }
        return ReassignBody(partnerId: partnerId, reason: reason)
    }
}

struct NoteBody: Equatable {
    var text: String

    static func read(_ reader: inout InputReader) throws -> NoteBody {
        reader.rejectUnknown(allowed: ["text"])
        let text = reader.text("text", required: true, maximum: InputReader.maximumNoteLength, multiline: true)
        try reader.finish()
        guard let text else { throw ProblemDetails.invalidFields(reader.errors) }
        return NoteBody(text: text)
    }
}

struct CloseBody: Equatable {
    var reason: CaseClosed.CoordinatorReason
    var note: String?

    static func read(_ reader: inout InputReader) throws -> CloseBody {
        reader.rejectUnknown(allowed: ["reason", "note"])
        let reason = reader.code("reason", CaseClosed.CoordinatorReason.self, required: true)
        let note = reader.text("note", required: false, maximum: InputReader.maximumNoteLength, multiline: true)
        try reader.finish()
        guard let reason else { throw ProblemDetails.invalidFields(reader.errors) }
        return CloseBody(reason: reason, note: note)
    }
}

struct CooperationBody: Equatable {
    var cooperation: CooperationRecorded.Cooperation

    static func read(_ reader: inout InputReader) throws -> CooperationBody {
        reader.rejectUnknown(allowed: ["cooperation"])
        let cooperation = reader.code("cooperation", CooperationRecorded.Cooperation.self, required: true)
        try reader.finish()
        guard let cooperation else { throw ProblemDetails.invalidFields(reader.errors) }
        return CooperationBody(cooperation: cooperation)
    }
}
