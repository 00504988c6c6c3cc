import AsyncHTTPClient
import Foundation

/// A hub service run as a child process for a benchmark (`nazorg-hub <service> …` of this
/// very executable), the way a deployment runs it: its own runtime and threads, its JSON log
/// in a file, and SIGTERM to stop it.
final class ServiceProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let name: String
    let logPath: String
    /// Where standard output goes when it is kept apart from the log (see ``firstOutputLine(timeout:)``).
    let outputPath: String?
    private let process = Process()

    /// Starts `nazorg-hub` with `arguments`. `wrapper` runs it under another program (for
    /// example `valgrind --tool=callgrind`), which must keep the process id. With `outputPath`,
    /// standard output goes to a file of its own (the broker prints its bootstrap list there);
    /// otherwise both streams go to `logPath`.
    init(name: String, arguments: [String], environment: [String: String], logPath: String, outputPath: String? = nil,
         wrapper: [String] = []) throws {
        self.name = name
        self.logPath = logPath
        self.outputPath = outputPath
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let command = wrapper.isEmpty ? [executable] + arguments : try [Self.resolve(wrapper[0])] + wrapper.dropFirst() + [executable] + arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, own in own }
        process.standardInput = FileHandle.nullDevice
        // One handle for both, so the two streams share one file offset.
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardError = log
        if let outputPath {
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        } else {
            process.standardOutput = log
        }
        try process.run()
        ChildProcesses.started(process.processIdentifier)
    }

    /// The first complete line on standard output (needs `outputPath`).
    func firstOutputLine(timeout: Duration) async throws -> String {
        guard let outputPath else { throw Failure(description: "\(name)'s standard output is not kept apart") }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let newline = output.firstIndex(of: "\n") { return String(output[..<newline]) }
            guard process.isRunning else {
                throw Failure(description: "\(name) exited with \(process.terminationStatus) before it printed a line; see \(logPath)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "\(name) printed no line within \(timeout); see \(logPath)")
    }

    var isRunning: Bool { process.isRunning }

    var pid: Int32 { process.processIdentifier }

    /// The port its HTTP server bound, from the `http server listening` line of its log.
    func waitForPort(timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(description: "\(name) exited with \(process.terminationStatus) before it listened; see \(logPath)")
            }
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            for line in log.split(separator: "\n") where line.contains("\"http server listening\"") {
                if let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                   let port = (object["http.port"] as? String).flatMap(Int.init), port > 0 {
                    return port
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "\(name) did not report its HTTP port within \(timeout); see \(logPath)")
    }

    /// CPU time the process used so far (user plus system), from `/proc/<pid>/stat`.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        // After the command name: state is field 3, utime field 14, stime field 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Sends SIGTERM and waits for the exit (SIGKILL after `timeout`); returns the exit
    /// status, or nil when it had to be killed.
    func stop(timeout: Duration) async -> Int32? {
        defer { ChildProcesses.ended(pid) }
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    private static func resolve(_ program: String) throws -> String {
        if program.contains("/") { return program }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(program)") {
            return "\(directory)/\(program)"
        }
        throw Failure(description: "\(program) is not on PATH")
    }
}

extension ServiceProcess {
    /// Waits until the service on `port` answers `/health/ready` (it reaches Kafka).
    static func waitUntilReady(_ name: String, port: Int, within timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let answer = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health/ready"),
                                                              timeout: .seconds(5))
            if answer?.status == .ok { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "\(name) did not become ready (Kafka reachable) in time")
    }
}
