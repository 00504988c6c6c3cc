import Foundation
import Synchronization

/// Where the built `nazorg-hub` binary is (built by `swift build --build-tests`).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func hubBinary() throws -> String {
    let candidates = [".build/debug/nazorg-hub", ".build/x86_64-unknown-linux-gnu/debug/nazorg-hub",
                      ".build/aarch64-unknown-linux-gnu/debug/nazorg-hub"]
    for candidate in candidates {
        let path = repositoryRoot.appendingPathComponent(candidate).path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw E2EError("nazorg-hub is not built; run `swift build --build-tests` first")
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A `nazorg-hub` subcommand running as its own process, with its output collected.
final class ServiceProcess: Sendable {
    let name: String
    private let process: Process
    private let output = OutputLines()
    private let standardOutput = OutputLines()

    init(_ name: String, arguments: [String], environment: [String: String] = [:]) throws {
        self.name = name
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try hubBinary())
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        for (pipe, isStandardOutput) in [(stdout, true), (stderr, false)] {
            let collected = LineCollector()
            pipe.fileHandleForReading.readabilityHandler = { [output, standardOutput] handle in
                let data = handle.availableData
                guard !data.isEmpty else { return }
                let lines = collected.append(data)
                output.append(lines)
                if isStandardOutput { standardOutput.append(lines) }
            }
        }
        try process.run()
    }

    var lines: [String] { output.all }

    /// Waits for the first line on standard output.
    func firstOutputLine(timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = standardOutput.all.first { return line }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EError("\(name) printed nothing on standard output; last output:\n\(lines.suffix(15).joined(separator: "\n"))")
    }
    var isRunning: Bool { process.isRunning }

    /// Waits for a line that contains `text`; returns it.
    func waitForLine(containing text: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lines.first(where: { $0.contains(text) }) { return line }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EError("\(name) never printed '\(text)'; last output:\n\(lines.suffix(15).joined(separator: "\n"))")
    }

    /// The HTTP port the service logged when it started listening.
    func httpPort() async throws -> Int {
        let line = try await waitForLine(containing: "http server listening")
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let port = (object["http.port"] as? String).flatMap(Int.init) else {
            throw E2EError("\(name) logged no port: \(line)")
        }
        return port
    }

    /// Ends the process with SIGKILL, as a crash or an OOM kill would: no shutdown, no commit.
    func killHard() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the process to end; returns its exit status.
    func terminate(timeout: Duration = .seconds(30)) async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        return process.terminationStatus
    }
}

/// Splits a byte stream into lines.
final class LineCollector: Sendable {
    private let pending = Mutex<Data>(Data())

    func append(_ data: Data) -> [String] {
        pending.withLock { buffer in
            buffer.append(data)
            var lines: [String] = []
            while let newline = buffer.firstIndex(of: 0x0a) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
            return lines
        }
    }
}

/// Lines a process printed so far.
final class OutputLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ new: [String]) { lines.withLock { $0 += new } }
    var all: [String] { lines.withLock { $0 } }
}
