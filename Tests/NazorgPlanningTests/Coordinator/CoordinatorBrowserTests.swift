import Foundation
import NazorgTestSupport
import Synchronization
import Testing

/// The coordinator page in headless Chromium (`Tests/browser/coordinator_page.py`) over the
/// in-memory desk: log in, find the escalation in the inbox, open the case, resolve with a
/// note, see it resolved and gone from the inbox, reassign the rejected task. The same
/// script runs against the whole chain in EndToEndTests.
@Suite("Coordinator page in a browser")
struct CoordinatorBrowserTests {
    @Test func aCoordinatorResolvesAndReassignsInTheBrowser() async throws {
        let desk = CoordinatorFixtures.desk()
        // NAZORG_SCREENSHOTS keeps the screenshots there (e.g. Tests/browser/output, ignored by git).
        let kept = ProcessInfo.processInfo.environment["NAZORG_SCREENSHOTS"].map { URL(fileURLWithPath: $0).appendingPathComponent("desk") }
        let output = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("coordinator-browser-\(UUID().uuidString)")
        if kept != nil { try? FileManager.default.removeItem(at: output) }
        defer { if kept == nil { try? FileManager.default.removeItem(at: output) } }
        try await withCoordinatorHTTP(desk: desk, live: true) { client in
            let port = try #require(client.port)
            let run = try await runBrowserScript(["http://127.0.0.1:\(port)", CoordinatorFixtures.amsterdamToken, output.path,
                                                  "--surname", "Testpersoon", "--reason", "unannounced-release", "--require-reassign"])
            #expect(run.status == 0, "the browser script failed:\n\(run.output)")
        }
        #expect(desk.escalation("esc-ams-urgent")?.status == .resolved)
        #expect(desk.timelineNow(CoordinatorFixtures.amsterdamCase)?.tasks.contains { $0.partnerId == "opvang-ams" } == true)
        let shots = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".png") }
        #expect(shots.count == 5, "screenshots: \(shots)")
    }
}

/// Runs `Tests/browser/coordinator_page.py` with `arguments`; its exit status and output.
func runBrowserScript(_ arguments: [String], timeout: Duration = .seconds(180)) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryPath("Tests/browser/coordinator_page.py")] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let collected = CollectedOutput()
    pipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    pipe.fileHandleForReading.readabilityHandler = nil
    collected.append(pipe.fileHandleForReading.readDataToEndOfFile())
    return (process.terminationStatus, collected.text)
}

final class CollectedOutput: Sendable {
    private let data = Mutex(Data())
    func append(_ more: Data) { data.withLock { $0.append(more) } }
    var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}
