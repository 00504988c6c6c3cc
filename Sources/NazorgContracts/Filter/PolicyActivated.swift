import Foundation

/// A policy set the filter began to decide under, on the disclosure log before any record
/// that names its version: at start, and when a changed policy directory was read and
/// accepted. With the files' own hashes an auditor can tell which texts were in force.
public struct PolicyActivated: EventPayload {
    public static let eventType = EventType.policyActivated

    /// What made the filter read its policies.
    public enum Trigger: String, Sendable, Hashable, Codable, CaseIterable {
        /// The filter started.
        case start
        /// A policy file was added, changed or removed while it ran.
        case fileChange = "file-change"
    }

    /// One policy file as it was read.
    public struct PolicyFile: Sendable, Hashable, Codable {
        public var name: String
        public var role: PartnerRole
        /// SHA-256 of the file's bytes, lowercase hex (`sha256sum` prints the same).
        public var sha256: String

        public init(name: String, role: PartnerRole, sha256: String) {
            self.name = name
            self.role = role
            self.sha256 = sha256
        }
    }

    public var activationId: String
    /// The version disclosure-log records name (`sha256:` over the set's canonical form).
    public var policyVersion: String
    /// The version in force before; absent at start.
    public var previousVersion: String?
    public var trigger: Trigger
    /// Who put the policies in place: the operating-system account that owns the newest
    /// policy file (the one a deployment wrote them as).
    public var activatedBy: String
    public var files: [PolicyFile]
    public var activatedAt: Date

    public init(activationId: String, policyVersion: String, previousVersion: String?, trigger: Trigger,
                activatedBy: String, files: [PolicyFile], activatedAt: Date) {
        self.activationId = activationId
        self.policyVersion = policyVersion
        self.previousVersion = previousVersion
        self.trigger = trigger
        self.activatedBy = activatedBy
        self.files = files
        self.activatedAt = activatedAt
    }
}
