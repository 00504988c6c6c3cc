import Crypto
import Foundation
import Synchronization

/// Identifiers the filter gives one partner: the person's pseudonym and the trace of a
/// disclosure, each keyed per partner so that two partners cannot join their records on
/// them, and stable, so a replayed disclosure repeats them.
///
/// The per-partner key is HMAC-SHA256(master secret, partner id); the identifiers are
/// HMACs under that key. Without the master secret neither the hub-wide subject pseudonym
/// nor the internal trace can be recovered from what a partner receives.
public struct PartnerPseudonymizer: Sendable {
    private let secret: [UInt8]
    /// Per-partner keys, derived once per partner rather than twice per disclosure.
    private let partnerKeys = PartnerKeys()

    /// `secret` must hold at least 32 bytes.
    public init(secret: [UInt8]) throws {
        guard secret.count >= 32 else { throw ConfigurationError("the partner pseudonym key must be at least 32 bytes") }
        self.secret = secret
    }

    /// Reads the key from `NAZORG_PARTNER_PSEUDONYM_KEY_FILE` (a file holding the key) or
    /// `NAZORG_PARTNER_PSEUDONYM_KEY` (the key itself, at least 32 characters).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PartnerPseudonymizer? {
        try secretKey(named: "NAZORG_PARTNER_PSEUDONYM_KEY", in: environment).map(PartnerPseudonymizer.init(secret:))
    }

    /// The person's pseudonym for `partnerId`: 32 lowercase hex digits.
    public func subject(_ subjectId: String, for partnerId: String) -> String {
        mac("nazorg-partner-subject-v1:\(subjectId)", partnerId).prefix(16).hexString
    }

    /// Any other identifier keyed for `recipient`, shaped as a UUID (version 8): stable for
    /// the same `message`, and unlinkable to the same message keyed for another recipient.
    public func identifier(_ message: String, for recipient: String) -> UUID {
        var bytes = Array(mac("nazorg-recipient-id-v1:\(message)", recipient).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The trace a partner receives with the disclosure caused by `sourceEventId`. It is
    /// sampled when the hub's trace of the disclosure is: one bit, which names nothing.
    public func trace(forDisclosureOf sourceEventId: String, to partnerId: String, sampled: Bool = true) -> TraceParent {
        let bytes = mac("nazorg-partner-trace-v1:\(sourceEventId)", partnerId)
        // A W3C trace id and span id must not be all zeros; an HMAC that is has probability 2^-128.
        let flags = sampled ? "01" : "00"
        return TraceParent("00-\(bytes.prefix(16).hexString)-\(bytes.dropFirst(16).prefix(8).hexString)-\(flags)") ?? .random()
    }

    private func mac(_ message: String, _ partnerId: String) -> [UInt8] {
        let partnerKey = partnerKeys.key(for: partnerId) {
            Array(HMAC<SHA256>.authenticationCode(for: Array("nazorg-partner-key-v1:\(partnerId)".utf8), using: SymmetricKey(data: secret)))
        }
        return Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: partnerKey)))
    }
}

/// The derived keys of the partners seen so far (a directory holds tens, not more).
private final class PartnerKeys: Sendable {
    private let keys = Mutex<[String: [UInt8]]>([:])

    func key(for partnerId: String, derive: () -> [UInt8]) -> [UInt8] {
        if let known = keys.withLock({ $0[partnerId] }) { return known }
        let derived = derive()
        keys.withLock { $0[partnerId] = derived }
        return derived
    }
}
