import Crypto
import Foundation
import NazorgContracts

/// Turns a BSN into the subject pseudonym used as Kafka key and `ce_subject`:
/// HMAC-SHA256 under a secret key, first 16 bytes in hex. Without the key the BSN cannot
/// be recovered or guessed by trying all nine-digit numbers.
public struct SubjectPseudonymizer: Sendable {
    // Kept as bytes: SymmetricKey is not Sendable; building one per call is cheap.
    private let secret: [UInt8]

    /// `secret` must hold at least 32 bytes.
    public init(secret: [UInt8]) throws {
        guard secret.count >= 32 else { throw ConfigurationError("the pseudonym key must be at least 32 bytes") }
        self.secret = secret
    }

    /// Reads the key from `NAZORG_PSEUDONYM_KEY_FILE` (a file holding the key) or
    /// `NAZORG_PSEUDONYM_KEY` (the key itself, at least 32 characters).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SubjectPseudonymizer? {
        try secretKey(named: "NAZORG_PSEUDONYM_KEY", in: environment).map(SubjectPseudonymizer.init(secret:))
    }

    /// The pseudonym of a (valid) BSN: 32 lowercase hex digits.
    public func pseudonym(forBSN bsn: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("nazorg-subject-v1:\(bsn)".utf8), using: SymmetricKey(data: secret))
        return Array(mac).prefix(16).hexString
    }
}

/// Stable identifiers derived from stable inputs, so a replayed input yields the same ids
/// and every consumer can deduplicate.
public enum DeterministicID {
    /// A UUID (version 8, RFC 9562) from the SHA-256 of the parts.
    public static func uuid(_ parts: String...) -> UUID { uuid(parts: parts) }

    /// The same, as a lowercase string.
    public static func string(_ parts: String...) -> String {
        uuid(parts: parts).uuidString.lowercased()
    }

    private static func uuid(parts: [String]) -> UUID {
        var bytes = Array(SHA256.hash(data: Array(parts.joined(separator: "\u{1F}").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x80
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// A configuration value is missing or wrong; the message says which and how to fix it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Throws when the system lacks the time-zone data Dutch days are counted in: a service
    /// that counts in UTC instead would put a release or a deadline near midnight on the
    /// wrong day.
    public static func requireDutchTime() throws {
        guard DutchTime.installedZone != nil else {
            throw ConfigurationError("the time zone Europe/Amsterdam is not installed (Debian: apt-get install tzdata)")
        }
    }
}

/// Reads a secret key from `<name>_FILE` (a file holding the key) or `<name>` (the key
/// itself); nil when neither is set.
func secretKey(named name: String, in environment: [String: String]) throws -> [UInt8]? {
    if let path = environment[name + "_FILE"] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(name)_FILE names a file that cannot be read")
        }
        return Array(data)
    }
    return environment[name].map { Array($0.utf8) }
}
