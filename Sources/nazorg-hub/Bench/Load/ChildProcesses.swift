import Dispatch
import Foundation
import Synchronization

/// The processes a benchmark started and has not seen exit (services, the broker, wrk), so
/// that an interrupted benchmark takes them down with it. Foundation's `Process` gives each
/// child a process group of its own, so Ctrl-C in the terminal reaches only the benchmark.
enum ChildProcesses {
    private static let running = Mutex<Set<Int32>>([])
    /// Kept here so they live as long as the process.
    private static let signalSources = Mutex<[any DispatchSourceSignal]>([])

    static func started(_ pid: Int32) { running.withLock { _ = $0.insert(pid) } }
    static func ended(_ pid: Int32) { running.withLock { _ = $0.remove(pid) } }

    /// From now on SIGINT and SIGTERM send SIGTERM to every child still running, give them
    /// three seconds to exit, kill what is left and end this process (status 130).
    static func stopOnInterrupt() {
        // A queue of its own: the handler sleeps, which the cooperative pool must never do.
        let queue = DispatchQueue(label: "nazorg.bench.interrupt")
        // The sources are made inside the lock because they are not Sendable.
        signalSources.withLock { sources in
            sources = [SIGINT, SIGTERM].map { signalNumber in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler(handler: stopChildrenAndExit)
                source.resume()
                return source
            }
        }
    }

    private static func stopChildrenAndExit() {
        let children = running.withLock { $0 }
        FileHandle.standardError.write(Data("[bench] interrupted; stopping \(children.count) child process(es)\n".utf8))
        for pid in children { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline, children.contains(where: { kill($0, 0) == 0 }) {
            usleep(100_000)
        }
        for pid in children where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        exit(130)
    }
}
