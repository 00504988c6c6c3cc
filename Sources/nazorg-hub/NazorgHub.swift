import ArgumentParser
import NazorgRuntime

@main
struct NazorgHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nazorg-hub",
        abstract: "Integration hub for aftercare of people leaving Dutch prisons (nazorg ex-gedetineerden).",
        subcommands: [
            DemoCommand.self, BrokerCommand.self, TopicsCommand.self,
            IntakeCommand.self, PlanningCommand.self, FilterCommand.self, AdaptersCommand.self, MonitoringCommand.self,
            EraseCommand.self, BenchCommand.self,
        ])
}
