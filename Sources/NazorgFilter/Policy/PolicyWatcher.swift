import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime
import ServiceLifecycle

/// Records the policy set on the disclosure log at start, then watches the policy
/// directory and puts a changed set in force without a restart: read whole, validated whole,
/// recorded (``PolicyActivated``, acknowledged) and only then used, from the next batch on.
/// A directory that does not validate changes nothing: the set in force stays, and the
/// problem is logged once per state of the files.
struct PolicyWatcher: Service {
    let initial: PolicyDirectory
    let store: PolicyStore
    let producer: KafkaProducer
    let publisher: EventPublisher
    /// How often the directory is looked at; nil: only the start is recorded.
    let interval: Duration?
    let logger: Logger

    func run() async throws {
        var inForce = initial
        // Nothing is decided before the set's activation is on the log; retried until it is.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await record(inForce, trigger: .start, previous: nil)
                store.activate(inForce.set)
                logger.info("policies in force", metadata: ["policy.version": .string(inForce.set.version),
                                                            "policy.files": "\(inForce.files.count)"])
                break
            } catch {
                logger.warning("policy activation not logged yet; retrying", metadata: ["error": .string(error.loggable)])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        guard let interval else { return }
        var refused: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard let fingerprint = PolicyDirectory.fingerprint(inForce.path), fingerprint != inForce.fingerprint,
                  fingerprint != refused else { continue }
            let read: PolicyDirectory
            do {
                read = try PolicyDirectory.read(inForce.path)
            } catch {
                refused = fingerprint
                store.noteRefused(fingerprint)
                logger.error("policy change refused; the policies in force stay", metadata: [
                    "policy.version": .string(inForce.set.version), "error": .string(error.loggable),
                ])
                continue
            }
            refused = nil
            store.noteRefused(nil)
            guard read.set.version != inForce.set.version else {
                inForce = read
                logger.info("policy files changed without changing a decision", metadata: [
                    "policy.version": .string(read.set.version),
                ])
                continue
            }
            do {
                try await record(read, trigger: .fileChange, previous: inForce.set.version)
            } catch {
                // Not in force until recorded; the next look tries again.
                logger.warning("policy change not logged yet; the policies in force stay", metadata: [
                    "error": .string(error.loggable),
                ])
                continue
            }
            store.activate(read.set)
            logger.notice("policy change in force", metadata: [
                "policy.version": .string(read.set.version), "policy.previous": .string(inForce.set.version),
                "activated.by": .string(read.owner),
            ])
            inForce = read
        }
    }

    private func record(_ directory: PolicyDirectory, trigger: PolicyActivated.Trigger, previous: String?) async throws {
        let now = Date()
        let activation = PolicyActivated(activationId: UUID().uuidString.lowercased(), policyVersion: directory.set.version,
                                         previousVersion: previous, trigger: trigger, activatedBy: directory.owner,
                                         files: directory.files, activatedAt: now)
        try await producer.send(try publisher.record(activation, topic: Topics.filterDisclosures, key: "policy",
                                                     id: activation.activationId, subject: nil, trace: .random(), time: now))
    }
}
