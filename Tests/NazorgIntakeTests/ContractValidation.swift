import Foundation
import NazorgContracts

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Writes each payload as `<EventType>-<label>.json` into a fresh directory and runs
/// `Tests/contracts/validate.py events` on it: true when every file validates against the
/// schema of its event type (and the rules the schemas cannot express).
func payloadsValidateAgainstTheirSchemas(_ payloads: [(type: EventType, label: String, json: Data)]) throws -> Bool {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-intake-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for payload in payloads {
        try payload.json.write(to: directory.appendingPathComponent("\(payload.type.rawValue)-\(payload.label).json"))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/contracts/validate.py").path, "events", directory.path]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus == 0
}
