import NazorgRuntime

/// The problems only intake answers with, beside the runtime's shared ones.
extension ProblemDetails {
    /// 409: the `noticeId` was used before by this PI for a notice with other content. Names
    /// the field, never a value, and says how a notice is changed instead.
    static let noticeErased = ProblemDetails(
        type: "urn:nazorg-hub:problem:notice-erased", title: "The person of this notice was erased",
        status: .gone,
        detail: "This PI sent a notice with this noticeId about a person whose data the hub has since erased at their "
            + "request; it is not taken in again. A new detention of the person is a new notice with a noticeId of its own.",
        errors: [FieldError(field: "/noticeId", detail: "names a notice about an erased person")])

    static let noticeIdConflict = ProblemDetails(
        type: "urn:nazorg-hub:problem:notice-id-conflict", title: "The noticeId was used for another notice",
        status: .conflict,
        detail: "This PI already sent a notice with this noticeId and other content; this one was not accepted. "
            + "To change that notice, send a new notice with a noticeId of its own and correctsNoticeId set to the "
            + "noticeId of the notice it replaces (same type, same person). To take a notice back, send a NoticeWithdrawn.",
        errors: [FieldError(field: "/noticeId", detail: "was used before for a notice with other content")])

    /// 422 or 409: the notice named in `correctsNoticeId` cannot be corrected by this one.
    static func correctionRefused(_ refusal: CorrectionRefusal) -> ProblemDetails {
        let error = FieldError(field: "/correctsNoticeId", detail: refusal.detail)
        if refusal.isConflict {
            return ProblemDetails(
                type: "urn:nazorg-hub:problem:correction-conflict", title: "The corrected notice was corrected already",
                status: .conflict,
                detail: "Another notice already corrects the notice named in correctsNoticeId; this one was not accepted. "
                    + "Name the latest correction in correctsNoticeId instead.",
                errors: [error])
        }
        return ProblemDetails(
            type: "urn:nazorg-hub:problem:invalid-correction", title: "The correction cannot be accepted",
            status: .unprocessableContent,
            detail: "correctsNoticeId must name an earlier notice of this PI, of the same type and about the same person. "
                + "Nothing was published.",
            errors: [error])
    }

    /// 503: intake could not read or write its notice store, so it cannot tell a repeat from
    /// a conflict and publishes nothing.
    static var noticeStoreUnavailable: ProblemDetails {
        var problem = ProblemDetails(
            type: "urn:nazorg-hub:problem:store-unavailable", title: "The notice store is unavailable",
            status: .serviceUnavailable,
            detail: "Intake could not check the notice against the notices it has taken in, so it was not accepted. "
                + "Sending it again is safe.")
        problem.retryAfterSeconds = NoticeRoute.retryAfterSeconds
        return problem
    }
}
