import Crypto
import Foundation
import NazorgContracts
import NazorgRuntime

/// What decides whether two submissions under one `noticeId` are the same notice: the
/// SHA-256, in hex, of the contract JSON (keys sorted) of the validated notice.
///
/// Validation makes equal content encode alike (names in NFC, dates and times in one form).
/// Two things are left out: `reportedAt`, the desk's own time stamp (information only; a
/// desk's retry may stamp it anew), and the BSN in clear, which the keyed pseudonym
/// `subjectId` stands for, so a fingerprint in the store cannot be confirmed against a guessed
/// BSN without the pseudonym key.
enum NoticeFingerprint {
    /// Stands in for `reportedAt`; no accepted notice can carry it (see ``PlausibleDates``).
    private static let unstamped = Date(timeIntervalSince1970: 0)

    static func of(_ request: NoticeRequest, subjectId: String) throws -> String {
        var content = request
        content.reportedAt = nil
        content.person.bsn = ""
        let json = try content.notice(subjectId: subjectId, reportedAt: unstamped).encodedJSON()
        return SHA256.hash(data: json).hexString
    }
}
