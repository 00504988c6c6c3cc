import ArgumentParser
import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// Notices per second and latency of `POST /v1/notices` at a fixed offered rate: intake in its
/// own process against the embedded broker, wrk in another, on loopback.
struct IntakeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Notices/s and p50/p99 latency of POST /v1/notices at a fixed offered rate (wrk in another process).",
        discussion: """
            Starts the embedded broker in this process and `nazorg-hub intake` as a child process
            with a desk token, warms up, then lets wrk (Debian's package: apt-get install -y wrk)
            offer notices at --rate for --duration. Afterwards it reads the intake topic and checks
            that every notice answered 202 is there. Targets: at least 1,000 notices/s with a p99
            below 50 ms, every answer 202.
            """)

    static let targetRate = 1_000
    static let targetP99: Duration = .milliseconds(50)

    @Option(name: .long, help: "Notices per second offered (over all connections).")
    var rate = 1_000

    @Option(name: .long, help: "Seconds of the measured run.")
    var duration = 30

    @Option(name: .long, help: "Seconds of warm-up at the same rate before the measured run (0: none).")
    var warmup = 5

    @Option(name: .long, help: "HTTP connections wrk keeps open; the offered rate holds while rate × latency stays below this.")
    var connections = 128

    @Option(name: .long, help: "wrk threads.")
    var threads = 1

    @Option(name: .long, help: "Brokers of the embedded cluster.")
    var brokers = 3

    @Option(name: .long, help: "Partitions of every topic (default: the contract's, 12 for the intake topic).")
    var partitions: Int32?

    @Option(name: .long, help: "The wrk executable (default: wrk on PATH).")
    var wrk: String?

    @Option(name: .customLong("intake-wrapper"), help: "Run intake under this command, e.g. \"valgrind --tool=callgrind\".")
    var intakeWrapper: String?

    @Flag(name: .long, help: "Keep the work directory (wrk script, answer logs, intake log) after a successful run.")
    var keep = false

    func validate() throws {
        guard rate > 0, duration > 0, warmup >= 0, threads > 0, connections >= threads, brokers > 0, (partitions ?? 1) > 0 else {
            throw ValidationError("--rate, --duration, --threads and --brokers must be positive, --warmup not negative, and --connections at least --threads")
        }
        // The embedded broker keeps about 5 MiB per partition and drops older records, which
        // the check against the topic would count as lost. A notice record is under 1 KiB.
        let notices = rate * (duration + warmup)
        let room = Int(partitions ?? TopicCatalogue.flowPartitions) * 4 * 1024
        if notices > room {
            throw ValidationError("\(notices) notices may not fit the embedded broker's ~5 MiB per partition; give more --partitions")
        }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench.intake")
        let wrkPath = try WrkLoad.locate(wrk)
        ChildProcesses.stopOnInterrupt()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nazorg-bench-intake-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: logger)
        defer { cluster.shutdown() }
        try createTopics(in: cluster, partners: nil, partitions: partitions)
        progress("embedded Kafka: \(brokers) broker(s) at \(cluster.bootstrapServers); work directory \(directory)")

        let token = Self.randomHex(bytes: 32)
        let intake = try startIntake(bootstrap: cluster.bootstrapServers, token: token, directory: directory)
        var intakeStopped = false
        defer { if !intakeStopped { kill(intake.pid, SIGKILL) } }
        let port = try await intake.waitForPort(timeout: intakeWrapper == nil ? .seconds(60) : .seconds(600))
        try await ServiceProcess.waitUntilReady("intake", port: port,
                                                 within: intakeWrapper == nil ? .seconds(60) : .seconds(600))
        progress("intake: pid \(intake.pid), http://127.0.0.1:\(port), log \(intake.logPath)")

        let today = CalendarDate(Date(), in: DutchTime.zone)
        let runID = Self.randomHex(bytes: 4)
        func load(_ phase: String, seconds: Int) throws -> WrkLoad {
            WrkLoad(settings: .init(url: "http://127.0.0.1:\(port)/v1/notices", rate: rate, duration: .seconds(seconds),
                                    connections: connections, threads: threads),
                    requestScript: NoticeLoadScript.lua,
                    arguments: try NoticeLoadScript.arguments(idPrefix: "bench-\(runID)-\(phase)", today: today),
                    environment: [NoticeLoadScript.tokenVariable: token], executable: wrkPath)
        }

        var acknowledged = Set<String>()
        if warmup > 0 {
            progress("warm-up: \(warmup) s at \(rate) notices/s")
            let result = try await load("warmup", seconds: warmup).run(in: "\(directory)/warmup") { _ in }
            acknowledged.formUnion(result.answers.successIDs)
            progress(String(format: "warm-up: %d answered, %d not 202, p99 %.1f ms", result.answers.count, result.answers.failures,
                            result.summary.p99.milliseconds))
        }

        let measured = try load("run", seconds: duration)
        progress("run: \(duration) s at \(rate) notices/s over \(connections) connections (\(threads) wrk thread(s))")
        progress("  " + measured.commandLine(script: "\(directory)/run/load.lua", logDirectory: "\(directory)/run/answers").joined(separator: " "))
        let intakeCPUBefore = intake.cpuSeconds()
        let ownCPUBefore = OwnCPU.seconds()
        var previous = (answered: 0, elapsed: Duration.zero)
        let result = try await measured.run(in: "\(directory)/run") { look in
            let answered = look.answers.count
            let perSecond = Double(answered - previous.answered) / (look.elapsed - previous.elapsed).seconds
            progress(String(format: "  %3.0f s: %@ answered, %@ not 202, %.0f/s since the last line", look.elapsed.seconds,
                            grouped(answered), grouped(look.answers.failures), perSecond))
            previous = (answered, look.elapsed)
        }
        let intakeCPU = intake.cpuSeconds().flatMap { after in intakeCPUBefore.map { after - $0 } }
        let ownCPU = OwnCPU.seconds() - ownCPUBefore
        acknowledged.formUnion(result.answers.successIDs)

        progress("stopping intake (SIGTERM), then reading \(Topics.intakeNotices) to find every notice answered 202")
        let exit = await intake.stop(timeout: .seconds(30))
        intakeStopped = true
        let census = try await TopicCensus.take(bootstrap: cluster.bootstrapServers, topic: Topics.intakeNotices,
                                                expected: acknowledged, timeout: .seconds(120), logger: logger)

        let report = IntakeBenchReport(rate: rate, duration: duration, connections: connections, threads: threads, brokers: brokers,
                                       result: result, acknowledged: acknowledged, census: census, intakeExit: exit,
                                       cpu: (intake: intakeCPU, ownProcess: ownCPU, wrk: result.wrkCPUSeconds))
        report.print()
        if report.met && !keep {
            try? FileManager.default.removeItem(atPath: directory)
        } else {
            printFlushed("work directory kept: \(directory)")
        }
        if !report.met { throw ExitCode.failure }
    }

    private func startIntake(bootstrap: String, token: String, directory: String) throws -> ServiceProcess {
        let tokens = "\(directory)/callers.yaml"
        try Data("""
            callers:
              - name: bench-desk
                sha256: \(CallerTokens.hash(token))
                scopes: [\(NoticeLoadScript.prisonCode)]

            """.utf8).write(to: URL(fileURLWithPath: tokens))
        let key = "\(directory)/pseudonym.key"
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: key))
        let environment = ["NAZORG_PSEUDONYM_KEY_FILE": key,
                           "LOG_LEVEL": ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"]
        return try ServiceProcess(name: "intake",
                                  arguments: ["intake", "--kafka", bootstrap, "--host", "127.0.0.1", "--port", "0", "--tokens", tokens,
                                              // The notice store, as deployed: a SQLite file of its own.
                                              "--data-dir", "\(directory)/intake-data"],
                                  environment: environment, logPath: "\(directory)/intake.log",
                                  wrapper: intakeWrapper.map { $0.split(separator: " ").map(String.init) } ?? [])
    }


    private static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
