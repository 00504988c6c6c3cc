import Foundation

/// HTTP requests at a fixed offered rate from wrk, a load generator in a process of its own,
/// so the server under test shares no runtime, allocator or threads with the client.
///
/// The Lua that paces the requests and reports the results is ``PacedLoadScript``; the
/// caller adds the Lua that builds the requests (for example ``NoticeLoadScript``).
struct WrkLoad: Sendable {
    struct Settings: Sendable {
        var url: String
        /// Requests per second offered, over all connections.
        var rate: Int
        var duration: Duration
        var connections: Int
        var threads: Int
        /// wrk counts an answer slower than this as a time-out and leaves it out of the latencies.
        var timeout: Duration = .seconds(10)
        /// A request sent more than this after its place in the timetable counts as late.
        var lateLimit: Duration = .milliseconds(10)
    }

    /// One look at a run in progress, from the answer logs.
    struct Progress: Sendable {
        var elapsed: Duration
        var answers: AnswerTally
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    var settings: Settings
    /// Lua defining `make_request` (and optionally `answer_id` and `prepare`).
    var requestScript: String
    /// The request script's own `key=value` arguments.
    var arguments: [String: String] = [:]
    /// Added to wrk's environment (secrets the script reads stay off the command line).
    var environment: [String: String] = [:]
    var executable: String

    /// The wrk executable: `explicit`, else the first `wrk` on `PATH`.
    static func locate(_ explicit: String?) throws -> String {
        if let explicit {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw Failure(description: "\(explicit) is not an executable") }
            return explicit
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/wrk") {
            return "\(directory)/wrk"
        }
        throw Failure(description: "wrk is not installed; install Debian's package with `apt-get install -y wrk` (or pass --wrk PATH)")
    }

    /// The command line, for the report (the script path and log directory are the run's own).
    func commandLine(script: String, logDirectory: String) -> [String] {
        let paced = ["rate": "\(settings.rate)", "threads": "\(settings.threads)", "log_dir": logDirectory,
                     "late_limit_us": "\(settings.lateLimit.microseconds)"]
        return [executable, "-t", "\(settings.threads)", "-c", "\(settings.connections)",
                "-d", "\(settings.duration.microseconds / 1_000_000)s", "--timeout", "\(settings.timeout.microseconds / 1_000_000)s",
                "-s", script, settings.url, "--"]
            + paced.merging(arguments) { own, _ in own }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Runs wrk once, with its script, output and answer logs in `directory`, and calls
    /// `progress` every `progressInterval` while it runs.
    func run(in directory: String, progressInterval: Duration = .seconds(5),
             progress: (Progress) -> Void) async throws -> WrkResult {
        let files = FileManager.default
        let logDirectory = "\(directory)/answers"
        try files.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let script = "\(directory)/load.lua"
        try Data((PacedLoadScript.prelude + requestScript).utf8).write(to: URL(fileURLWithPath: script))
        let output = "\(directory)/wrk.out", errors = "\(directory)/wrk.err"
        _ = files.createFile(atPath: output, contents: nil)
        _ = files.createFile(atPath: errors, contents: nil)

        let command = commandLine(script: script, logDirectory: logDirectory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, own in own }
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: errors)
        process.standardInput = FileHandle.nullDevice
        let cpuBefore = ChildrenCPU.seconds()
        let start = ContinuousClock.now
        try process.run()
        ChildProcesses.started(process.processIdentifier)
        defer { ChildProcesses.ended(process.processIdentifier) }
        var reader = AnswerLogReader(directory: logDirectory)
        var nextReport = start + progressInterval
        // Polled rather than awaited: the loop reads the answer logs for progress anyway, and
        // a tenth of a second at the end does not touch any figure (wrk times itself).
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(100))
            if ContinuousClock.now >= nextReport, process.isRunning {
                nextReport += progressInterval
                progress(Progress(elapsed: ContinuousClock.now - start, answers: reader.read()))
            }
        }
        process.waitUntilExit()
        let wrkCPU = ChildrenCPU.seconds() - cpuBefore
        let answers = reader.read()
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0,
              let line = printed.split(separator: "\n").last(where: { $0.hasPrefix(PacedLoadScript.summaryMarker + " ") }),
              let summary = WrkSummary(line: line) else {
            let complaint = ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "wrk exited with \(process.terminationStatus) and no summary line; stderr: \(complaint.isEmpty ? "(empty)" : complaint); output in \(directory)")
        }
        return WrkResult(command: command, summary: summary, answers: answers, wrkCPUSeconds: wrkCPU)
    }
}

/// What wrk's `done()` printed (``PacedLoadScript``): counts, and latencies in microseconds
/// from wrk's own histogram, measured from each request's send to its complete answer.
struct WrkSummary: Sendable {
    var completed: Int
    var duration: Duration
    /// Requests the timetable scheduled (a few scheduled at the very end may not have gone out).
    var scheduled: Int
    var late: Int
    var lateMax: Duration
    var socketErrors: (connect: Int, read: Int, write: Int, timeouts: Int)
    var p50: Duration, p90: Duration, p99: Duration, p999: Duration, max: Duration, mean: Duration
    /// Answers by HTTP status.
    var statuses: [Int: Int]

    init?(line: Substring) {
        var fields: [String: String] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        func int(_ key: String) -> Int? { fields[key].flatMap { Int($0) } }
        func micros(_ key: String) -> Duration? { int(key).map { .microseconds($0) } }
        guard let completed = int("completed"), let duration = micros("duration_us"), let scheduled = int("scheduled"),
              let late = int("late"), let lateMax = micros("late_max_us"),
              let connect = int("connect_errors"), let read = int("read_errors"), let write = int("write_errors"),
              let timeouts = int("timeouts"),
              let p50 = micros("p50_us"), let p90 = micros("p90_us"), let p99 = micros("p99_us"), let p999 = micros("p999_us"),
              let max = micros("max_us"), let mean = micros("mean_us"), let statusList = fields["statuses"] else { return nil }
        var statuses: [Int: Int] = [:]
        for entry in statusList.split(separator: ",") {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let status = Int(parts[0]), let count = Int(parts[1]) else { return nil }
            statuses[status] = count
        }
        self.completed = completed
        self.duration = duration
        self.scheduled = scheduled
        self.late = late
        self.lateMax = lateMax
        self.socketErrors = (connect, read, write, timeouts)
        (self.p50, self.p90, self.p99, self.p999, self.max, self.mean) = (p50, p90, p99, p999, max, mean)
        self.statuses = statuses
    }

    var socketErrorCount: Int { socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeouts }
}

/// One wrk run: its command line, its summary and every answer it logged.
struct WrkResult: Sendable {
    var command: [String]
    var summary: WrkSummary
    var answers: AnswerTally
    /// CPU time wrk used (user and system), from the rusage of reaped children.
    var wrkCPUSeconds: Double

    /// Answers with `status` per second of wrk's run.
    func rate(of status: Int) -> Double {
        Double(summary.statuses[status, default: 0]) / summary.duration.seconds
    }
}

/// The answers the script logged, counted by status, with the ids of the successful ones.
struct AnswerTally: Sendable {
    /// The status whose answer ids are kept.
    let success: Int
    var statuses: [Int: Int] = [:]
    var successIDs: Set<String> = []
    /// When each successful answer arrived (wrk's `CLOCK_REALTIME`, µs since 1970), by answer id.
    var successTimes: [String: Int64] = [:]
    var count: Int { statuses.values.reduce(0, +) }
    var failures: Int { count - statuses[success, default: 0] }
}

/// Reads the answer logs of a running wrk from where it stopped last time.
struct AnswerLogReader {
    let directory: String
    private var offsets: [String: UInt64] = [:]
    private var partial: [String: String] = [:]
    private var tally: AnswerTally

    init(directory: String, success: Int = 202) {
        self.directory = directory
        self.tally = AnswerTally(success: success)
    }

    mutating func read() -> AnswerTally {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".log") }
        for name in names.sorted() {
            guard let handle = FileHandle(forReadingAtPath: "\(directory)/\(name)") else { continue }
            defer { try? handle.close() }
            try? handle.seek(toOffset: offsets[name, default: 0])
            guard let data = try? handle.readToEnd(), !data.isEmpty else { continue }
            offsets[name, default: 0] += UInt64(data.count)
            let text = partial[name, default: ""] + String(decoding: data, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            partial[name] = String(lines.removeLast())
            for line in lines { ingest(line) }
        }
        return tally
    }

    /// `<status> <unix µs> <answer id>`
    private mutating func ingest(_ line: Substring) {
        let fields = line.split(separator: " ")
        guard fields.count == 3, let status = Int(fields[0]) else { return }
        tally.statuses[status, default: 0] += 1
        if status == tally.success {
            let id = String(fields[2])
            tally.successIDs.insert(id)
            if let time = Int64(fields[1]) { tally.successTimes[id] = time }
        }
    }
}

/// CPU time of this process's reaped children, user plus system.
enum ChildrenCPU {
    static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_CHILDREN.rawValue, &usage) == 0 else { return 0 }
        return usage.ru_utime.seconds + usage.ru_stime.seconds
    }
}

/// CPU time of this process, user plus system.
enum OwnCPU {
    static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return usage.ru_utime.seconds + usage.ru_stime.seconds
    }
}

extension timeval {
    var seconds: Double { Double(tv_sec) + Double(tv_usec) / 1e6 }
}

extension Duration {
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
    var milliseconds: Double { Double(microseconds) / 1000 }
}
