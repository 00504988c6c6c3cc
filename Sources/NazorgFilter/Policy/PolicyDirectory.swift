import Crypto
import Foundation
import NazorgContracts
import NazorgRuntime

/// The policy directory as read at one moment: the parsed set, each file's hash and role,
/// and who put the files there. ``PolicyWatcher`` reads it again to find a change.
public struct PolicyDirectory: Sendable {
    public let path: String
    public let set: PolicySet
    public let files: [PolicyActivated.PolicyFile]
    /// The account that owns the newest file (``PolicyActivated/activatedBy``).
    public let owner: String
    /// Names and bytes of every file, hashed: equal when nothing in the directory changed.
    public let fingerprint: String

    /// Reads and validates every `*.yaml` in `path`; throws a ``ConfigurationError`` naming
    /// the file and the problem when any is invalid, so nothing of a broken set is used.
    public static func read(_ path: String) throws -> PolicyDirectory {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ConfigurationError("the policy directory '\(path)' cannot be read")
        }
        guard !names.isEmpty else { throw ConfigurationError("the policy directory '\(path)' holds no *.yaml policy") }
        var documents: [PolicySet.Document] = []
        var files: [PolicyActivated.PolicyFile] = []
        var fingerprint = SHA256()
        var newest: (date: Date, owner: String)?
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            guard let bytes = FileManager.default.contents(atPath: file), let text = String(data: bytes, encoding: .utf8) else {
                throw ConfigurationError("policy \(name) cannot be read as UTF-8 text")
            }
            let document = try PolicySet.parseDocument(yaml: text, name: name)
            documents.append(document)
            files.append(PolicyActivated.PolicyFile(name: name, role: document.role, sha256: SHA256.hash(data: bytes).hexString))
            Self.add(name, bytes, to: &fingerprint)
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            let modified = attributes?[.modificationDate] as? Date ?? .distantPast
            if newest == nil || modified > newest!.date {
                newest = (modified, Self.accountName(attributes?[.ownerAccountID] as? NSNumber))
            }
        }
        return PolicyDirectory(path: path, set: try PolicySet(documents: documents), files: files, owner: newest?.owner ?? "unknown",
                               fingerprint: fingerprint.finalize().hexString)
    }

    /// Only a cheap look: the fingerprint of the directory's files, without parsing them.
    public static func fingerprint(_ path: String) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path).filter({ $0.hasSuffix(".yaml") }).sorted()
        else { return nil }
        var fingerprint = SHA256()
        for name in names {
            guard let bytes = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent(name)) else {
                return nil
            }
            add(name, bytes, to: &fingerprint)
        }
        return fingerprint.finalize().hexString
    }

    /// One file's part of a fingerprint: its name, length and bytes.
    private static func add(_ name: String, _ bytes: Data, to fingerprint: inout SHA256) {
        fingerprint.update(data: Array("\(name)\u{0}\(bytes.count)\u{0}".utf8))
        fingerprint.update(data: bytes)
    }

    /// The account's name, as the schema allows it, or `uid-N`.
    private static func accountName(_ uid: NSNumber?) -> String {
        guard let uid else { return "unknown" }
        guard let entry = getpwuid(uid_t(uid.uint32Value)), let raw = entry.pointee.pw_name else { return "uid-\(uid)" }
        let name = String(cString: raw)
        let allowed = name.count <= 64 && !name.isEmpty
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
        return allowed ? name : "uid-\(uid)"
    }
}
