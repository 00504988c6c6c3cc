import ArgumentParser
import Foundation
import NazorgKafka
import Logging
import NazorgContracts
import NazorgRuntime

/// Latency through the whole hub as deployed: from intake's 202 for a notice to the partner's
/// webhook receiving the task it led to, with every service in its own process against a
/// broker in its own process, at a fixed offered rate.
struct E2EBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "Latency from intake's 202 to the partner webhook, every service its own process, at a fixed notice rate.",
        discussion: """
            Starts `nazorg-hub broker` and then intake, planning, filter, adapters and monitoring, \
            each as a process of its own with key files, a partner directory, the policies and \
            caller tokens, plus the partners' webhooks as an HTTP server in this process. wrk \
            (Debian's package: apt-get install -y wrk) sends D&R plans at --rate for --duration, \
            each about a new person with one need for a partner whose tasks need no consent, so \
            every notice leads to exactly one webhook delivery. Each delivery is tied back to its \
            notice's 202 through the hub's topics (see E2ETrail). Near the end of the run every \
            service's /metrics is scraped and saved. Target: p99 below 250 ms, every notice \
            delivered exactly once, every service exiting 0 on SIGTERM.
            """)

    static let targetP99: Duration = .milliseconds(250)

    @Option(name: .long, help: "Notices per second offered.")
    var rate = 100

    @Option(name: .long, help: "Seconds of the measured run.")
    var duration = 60

    @Option(name: .long, help: "Seconds of warm-up at the same rate before the measured run (0: none); its notices are checked too.")
    var warmup = 5

    @Option(name: .long, help: "HTTP connections wrk keeps open.")
    var connections = 16

    @Option(name: .long, help: "Brokers of the embedded cluster (the broker process).")
    var brokers = 3

    @Option(name: .customLong("metrics-out"), help: "Directory for the /metrics scrapes (default: a new temporary directory).")
    var metricsOut: String?

    @Option(name: .long, help: "Directory of partner policies (YAML).")
    var policies = "Contracts/policies"

    @Option(name: .customLong("kafka-properties"),
            help: "NAZORG_KAFKA_PROPERTIES for the services (default: what the embedded broker's clients need, \(EmbeddedKafkaCluster.clientPropertiesText); \"\" for librdkafka's own defaults).")
    var kafkaProperties = EmbeddedKafkaCluster.clientPropertiesText

    @Option(name: .customLong("log-level"), help: "LOG_LEVEL of the services (their logs go to files in the work directory).")
    var logLevel = "info"

    @Option(name: .customLong("drain-timeout"), help: "Seconds to wait after the load for deliveries still under way.")
    var drainTimeout = 60

    @Option(name: .long, help: "The wrk executable (default: wrk on PATH).")
    var wrk: String?

    @Flag(name: .long, help: "Keep the work directory (configuration, service logs, wrk logs) after a successful run.")
    var keep = false

    func validate() throws {
        guard rate > 0, duration > 0, warmup >= 0, connections > 0, brokers > 0, drainTimeout > 0 else {
            throw ValidationError("--rate, --duration, --connections, --brokers and --drain-timeout must be positive, --warmup not negative")
        }
        // Every notice is about a person of its own, with a BSN from the 9999 test range.
        let bases = NoticeLoadScript.basesNeeded(notices: rate * warmup + connections)
            + NoticeLoadScript.basesNeeded(notices: rate * duration + connections)
        guard bases <= NoticeLoadScript.bsnBases.count else {
            throw ValidationError("\(rate * (warmup + duration)) notices need more people than the 9999 BSN test range has (about 9,000)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: policies, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no policy directory at \(policies); run from the repository root or pass --policies")
        }
    }

    func run() async throws {
        let logger = benchLogger("nazorg.bench.e2e")
        let wrkPath = try WrkLoad.locate(wrk)
        ChildProcesses.stopOnInterrupt()
        let files = FileManager.default
        let runID = E2EHub.randomHex(bytes: 4)
        let work = files.temporaryDirectory.appendingPathComponent("nazorg-bench-e2e-\(runID)").path
        let metrics = metricsOut ?? files.temporaryDirectory.appendingPathComponent("nazorg-bench-e2e-metrics-\(runID)").path
        try files.createDirectory(atPath: work, withIntermediateDirectories: true)
        try files.createDirectory(atPath: metrics, withIntermediateDirectories: true)
        progress("work directory \(work); /metrics scrapes go to \(metrics)")

        let receiver = try await WebhookReceiver.start(logger: logger)
        let hub: E2EHub
        do {
            let settings = E2EHub.Settings(directory: work, brokers: brokers, policies: URL(fileURLWithPath: policies).standardizedFileURL.path,
                                           kafkaProperties: kafkaProperties, logLevel: logLevel)
            hub = try await E2EHub.start(settings: settings) { receiver.url(partner: $0) }
        } catch {
            await receiver.stop()
            printFlushed("work directory kept: \(work)")
            throw error
        }
        progress("broker: pid \(hub.broker.pid), \(hub.bootstrap); partners' webhooks at http://127.0.0.1:\(receiver.port)/hooks/{partner}")
        for service in hub.services {
            progress("\(service.name): pid \(service.pid), http://127.0.0.1:\(hub.ports[service.name] ?? 0), log \(service.logPath)")
        }
        do {
            let report = try await measure(hub: hub, receiver: receiver, work: work, metrics: metrics, wrkPath: wrkPath, logger: logger)
            report.print()
            if report.met && !keep {
                try? files.removeItem(atPath: work)
            } else {
                printFlushed("work directory kept: \(work)")
            }
            if !report.met { throw ExitCode.failure }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            hub.kill()
            await receiver.stop()
            printFlushed("work directory kept: \(work)")
            throw error
        }
    }

    private func measure(hub: E2EHub, receiver: WebhookReceiver, work: String, metrics: String, wrkPath: String,
                         logger: Logger) async throws -> E2EBenchReport {
        let today = CalendarDate(Date(), in: DutchTime.zone)
        let needs = E2EHub.partners.map(\.domain)
        func load(_ phase: String, seconds: Int, firstBase: Int) throws -> WrkLoad {
            WrkLoad(settings: .init(url: "http://127.0.0.1:\(hub.ports["intake"] ?? 0)/v1/notices", rate: rate,
                                    duration: .seconds(seconds), connections: connections, threads: 1),
                    requestScript: NoticeLoadScript.lua,
                    arguments: try NoticeLoadScript.arguments(idPrefix: "e2e-\(phase)", today: today,
                                                              mix: .plans(needs: needs, firstBSNBase: firstBase)),
                    environment: [NoticeLoadScript.tokenVariable: hub.deskToken], executable: wrkPath)
        }

        var firstBase = NoticeLoadScript.bsnBases.lowerBound
        var warmupResult: WrkResult?
        if warmup > 0 {
            progress("warm-up: \(warmup) s at \(rate) notices/s, then until its notices reached the webhooks")
            let result = try await load("warmup", seconds: warmup, firstBase: firstBase).run(in: "\(work)/warmup") { _ in }
            firstBase += NoticeLoadScript.basesNeeded(notices: rate * warmup + connections)
            await waitForDeliveries(receiver, count: result.answers.successIDs.count)
            warmupResult = result
        }

        let measured = try load("run", seconds: duration, firstBase: firstBase)
        progress("run: \(duration) s at \(rate) notices/s over \(connections) connections")
        progress("  " + measured.commandLine(script: "\(work)/run/load.lua", logDirectory: "\(work)/run/answers").joined(separator: " "))
        let processes = hub.services + [hub.broker]
        let cpuBefore = processes.map { $0.cpuSeconds() }
        let loadBefore = LoadAverage.read()
        let ports = hub.ports
        // Once, near the end of the run, while every service is busy.
        let scrapeAt = ContinuousClock.now + .milliseconds(duration * 900)
        let scraping = Task {
            try? await Task.sleep(until: scrapeAt)
            var scrapes: [MetricsScrape] = []
            for name in E2EHub.serviceNames {
                scrapes.append(await MetricsScrape.take(service: name, port: ports[name] ?? 0, directory: metrics))
            }
            return scrapes
        }
        let deliveredBefore = receiver.count
        var previous = (answered: 0, delivered: 0, elapsed: Duration.zero)
        let result: WrkResult
        do {
            result = try await measured.run(in: "\(work)/run") { look in
                let (answered, delivered) = (look.answers.count, receiver.count - deliveredBefore)
                let seconds = (look.elapsed - previous.elapsed).seconds
                progress(String(format: "  %3.0f s: %@ answered (%@ not 202), %@ delivered; %.0f/s answered, %.0f/s delivered since the last line",
                                look.elapsed.seconds, grouped(answered), grouped(look.answers.failures), grouped(delivered),
                                Double(answered - previous.answered) / seconds, Double(delivered - previous.delivered) / seconds))
                previous = (answered, delivered, look.elapsed)
            }
        } catch {
            scraping.cancel()
            throw error
        }
        let loads = (before: loadBefore, after: LoadAverage.read())
        let cpu = zip(processes, cpuBefore).map { process, before in
            (name: process.name, seconds: process.cpuSeconds().flatMap { after in before.map { after - $0 } })
        }
        let scrapes = await scraping.value
        let accepted = (warmupResult?.answers.successIDs.count ?? 0) + result.answers.successIDs.count
        await waitForDeliveries(receiver, count: accepted)
        // An observation window for repeats, not a synchronisation.
        try await Task.sleep(for: .seconds(2))

        progress("stopping the services (SIGTERM), then reading the topics to tie every delivery to its notice")
        var exits = await hub.stopServices()
        let answers = result.answers.successTimes.merging(warmupResult?.answers.successTimes ?? [:]) { run, _ in run }
        let trail = try await E2ETrail.read(bootstrap: hub.bootstrap, eventIDs: Set(answers.keys), partners: E2EHub.partners.map(\.id),
                                            timeout: .seconds(60), logger: logger)
        exits.append((name: "broker", status: await hub.broker.stop(timeout: .seconds(30))))
        await receiver.stop()

        // A delivery belongs to a notice answered 202, to one wrk stopped waiting for (in
        // flight when its time was up, yet accepted), or to nothing the hub knows (a fault).
        var deliveries: [String: (first: Int64, count: Int)] = [:]
        var unanswered = 0, stray = 0
        let answeredTraces = Set(answers.keys.compactMap { trail.notices[$0]?.traceID })
        for delivery in receiver.all {
            guard let taskID = delivery.taskId, let task = trail.tasks[taskID], delivery.idempotencyKey == delivery.offerId else {
                stray += 1
                continue
            }
            if !answeredTraces.contains(task.traceID) { unanswered += 1 }
            let known = deliveries[taskID]
            deliveries[taskID] = (min(known?.first ?? .max, delivery.receivedAt), (known?.count ?? 0) + 1)
        }
        let byTrace = trail.tasksByTrace
        return E2EBenchReport(
            rate: rate, duration: duration, connections: connections, brokers: brokers, kafkaProperties: kafkaProperties,
            run: result, warmup: warmupResult,
            outcomes: E2EOutcomes(answers: result.answers.successTimes, trail: trail, tasksByTrace: byTrace, deliveries: deliveries),
            warmupOutcomes: warmupResult.map {
                E2EOutcomes(answers: $0.answers.successTimes, trail: trail, tasksByTrace: byTrace, deliveries: deliveries)
            },
            unansweredDeliveries: unanswered, strayDeliveries: stray, scrapes: scrapes, metricsDirectory: metrics, exits: exits, cpu: cpu, loads: loads)
    }

    /// Waits until the webhooks received `count` deliveries in all, or until no delivery
    /// arrived for `--drain-timeout` seconds, with a progress line every 5 s.
    private func waitForDeliveries(_ receiver: WebhookReceiver, count: Int) async {
        var last = (count: receiver.count, at: ContinuousClock.now)
        var nextReport = ContinuousClock.now + .seconds(5)
        while receiver.count < count {
            let now = ContinuousClock.now
            if receiver.count != last.count { last = (receiver.count, now) }
            if now - last.at > .seconds(drainTimeout) {
                progress("  no delivery for \(drainTimeout) s; \(grouped(receiver.count)) of \(grouped(count)) arrived")
                return
            }
            if now >= nextReport {
                progress("  waiting for deliveries: \(grouped(receiver.count)) of \(grouped(count))")
                nextReport += .seconds(5)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        progress("  \(grouped(receiver.count)) of \(grouped(count)) notices answered 202 so far reached a webhook")
    }
}

/// The one-minute load average of the machine (`/proc/loadavg`): other work on a shared
/// machine moves every figure, so the report says how busy it was.
enum LoadAverage {
    static func read() -> Double? {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
    }
}
