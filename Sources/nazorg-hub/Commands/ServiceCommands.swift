import ArgumentParser
import AsyncHTTPClient
import Foundation
import NazorgAdapters
import NazorgContracts
import NazorgFilter
import NazorgIntake
import NazorgMonitoring
import NazorgPlanning
import NazorgRuntime

/// Default ports; each service can be moved with --port.
enum DefaultPort {
    static let monitoring = 8080
    static let intake = 8081
    static let planning = 8082
    static let filter = 8083
    static let adapters = 8084
}

/// Locations of the contract files the services read at start-up.
struct ContractFileOptions: ParsableArguments {
    @Option(name: .long, help: "Partner directory (YAML).")
    var partners = "deploy/partners.example.yaml"

    @Option(name: .long, help: "Directory of partner policies (YAML).")
    var policies = "Contracts/policies"

    /// The partner directory's names by id.
    func partnerNames() throws -> [String: String] {
        try PartnerDirectory(contentsOf: partners).names
    }
}

struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "intake", abstract: "Run the intake service (PI desk notices).")
    @OptionGroup var common: CommonServiceOptions

    func run() async throws {
        let logger = makeLogger("nazorg.intake")
        guard let pseudonymizer = try SubjectPseudonymizer.fromEnvironment() else {
            throw ValidationError("Set NAZORG_PSEUDONYM_KEY_FILE (or NAZORG_PSEUDONYM_KEY, at least 32 bytes) to the secret key for subject pseudonyms.")
        }
        let assembly = try IntakeService.make(options: common.serviceOptions(service: "intake", defaultPort: DefaultPort.intake),
                                              pseudonymizer: pseudonymizer, logger: logger)
        try await runUntilSignalled([assembly], logger: logger)
    }
}

struct PlanningCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "planning", abstract: "Run the planning service (cases and tasks).")
    @OptionGroup var common: CommonServiceOptions
    @OptionGroup var files: ContractFileOptions
    @Option(help: "Days after release a case stays open at most (the aftercare period; default 180). Without --profiles only.")
    var aftercareDays: Int?
    @Option(help: "Municipality profiles (YAML, see deploy/profiles.example.yaml): deadlines, response times, aftercare period, measures.")
    var profiles: String?
    @Option(help: "Seconds between two runs of the timers (not accepted, overdue, plan missing, release day, first contact, consent).")
    var timerInterval: Double = 60
    @Option(help: "Coordinator and RCN accounts (YAML: token hashes, scopes as municipality codes, safety regions VRxx or *). Without it the coordinator API and page are not served.")
    var callers: String?
    @Option(help: "The coordinator API's contract, served at /openapi.yaml.")
    var openapi = "Contracts/openapi/planning.yaml"
    @Option(help: "Retention schedule (YAML); planning applies its store periods (closed cases, handled event ids). \"none\": keep everything.")
    var retention = "Contracts/retention/retention.yaml"

    func validate() throws {
        if let aftercareDays, !(1...3_650).contains(aftercareDays) {
            throw ValidationError("--aftercare-days must be between 1 and 3650.")
        }
        if aftercareDays != nil, profiles != nil {
            throw ValidationError("--aftercare-days and --profiles exclude each other: set aftercareDays in the profiles file.")
        }
        guard timerInterval.isFinite, (0.1...86_400).contains(timerInterval) else {
            throw ValidationError("--timer-interval must be between 0.1 and 86400 seconds.")
        }
    }

    func run() async throws {
        let logger = makeLogger("nazorg.planning")
        let api = try callers.map {
            try CoordinatorAPISettings.load(callersFile: $0, policiesDirectory: files.policies, openAPIFile: openapi)
        }
        let directory = try PartnerDirectory(contentsOf: files.partners)
        // A bad profiles file stops planning here, before anything runs.
        let settings = PlanningSettings(aftercareDays: aftercareDays ?? Planner.defaultAftercareDays,
                                        profiles: try profiles.map { try MunicipalityProfiles(contentsOf: $0, directory: directory) },
                                        timerCheckInterval: .milliseconds(Int64(timerInterval * 1000)), api: api,
                                        retention: retention == "none"
                                            ? nil : try PlanningRetention(schedule: RetentionSchedule(contentsOf: retention)))
        let assembly = try PlanningService.make(options: common.serviceOptions(service: "planning", defaultPort: DefaultPort.planning),
                                                directory: directory, logger: logger, settings: settings)
        try await runUntilSignalled([assembly], logger: logger)
    }
}

struct FilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter", abstract: "Run the consent-and-purpose filter, or make a person's subject access report.",
        subcommands: [FilterRunCommand.self, FilterInzageCommand.self], defaultSubcommand: FilterRunCommand.self)
}

struct FilterRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the consent-and-purpose filter (the default).")
    @OptionGroup var common: CommonServiceOptions
    @OptionGroup var files: ContractFileOptions
    @Option(help: "Seconds a task may wait for the person's consent before planning is told (and escalates).")
    var consentGrace: Double = 60
    @Option(help: "Seconds between looks at the policy directory; a changed, valid set is recorded on the disclosure log and used from the next batch on. 0: read at start only.")
    var policyReload: Double = 5
    @Option(help: "Who may record consent statements at POST /v1/consents and ask for subject access reports at GET /v1/subjects/{bsn}/disclosures (YAML: token hashes, role pi-desk or municipality-coordinator, scopes). Needs NAZORG_PSEUDONYM_KEY_FILE. Without it neither route is served.")
    var consentCallers: String?
    @Option(help: "Retention schedule (YAML); the filter applies its store periods (handled event ids, a person's state after their last case closed). \"none\": keep everything.")
    var retention = "Contracts/retention/retention.yaml"
    @Option(help: "Seconds between two passes of the retention purge.")
    var retentionInterval: Double = 3600

    func validate() throws {
        guard retentionInterval.isFinite, (1...86_400).contains(retentionInterval) else {
            throw ValidationError("--retention-interval must be between 1 and 86400 seconds.")
        }
        guard consentGrace.isFinite, consentGrace >= 0, consentGrace <= 86_400 * 30 else {
            throw ValidationError("--consent-grace must be between 0 and 2592000 seconds.")
        }
        guard policyReload.isFinite, policyReload >= 0, policyReload <= 3600 else {
            throw ValidationError("--policy-reload must be between 0 and 3600 seconds.")
        }
    }

    func run() async throws {
        let logger = makeLogger("nazorg.filter")
        guard let partnerIDs = try PartnerPseudonymizer.fromEnvironment() else {
            throw ValidationError("Set NAZORG_PARTNER_PSEUDONYM_KEY_FILE (or NAZORG_PARTNER_PSEUDONYM_KEY, at least 32 bytes) to the secret key for per-partner pseudonyms.")
        }
        let assembly = try FilterService.make(options: common.serviceOptions(service: "filter", defaultPort: DefaultPort.filter),
                                              policies: PolicyDirectory.read(files.policies), partnerIDs: partnerIDs,
                                              consentGrace: .milliseconds(Int64(consentGrace * 1000)),
                                              consentAPI: consentAPI(),
                                              policyReload: policyReload == 0 ? nil : .milliseconds(Int64(policyReload * 1000)),
                                              retention: retention == "none"
                                                  ? nil : try FilterRetention(schedule: RetentionSchedule(contentsOf: retention)),
                                              retentionInterval: .milliseconds(Int64(retentionInterval * 1000)),
                                              logger: logger)
        try await runUntilSignalled([assembly], logger: logger)
    }

    private func consentAPI() throws -> ConsentAPISettings? {
        guard let consentCallers else { return nil }
        guard let pseudonymizer = try SubjectPseudonymizer.fromEnvironment() else {
            throw ValidationError("The consent API takes a BSN: set NAZORG_PSEUDONYM_KEY_FILE (or NAZORG_PSEUDONYM_KEY, at least 32 bytes) to intake's subject pseudonym key.")
        }
        return ConsentAPISettings(callers: try ConsentCallers(contentsOf: consentCallers), pseudonymizer: pseudonymizer,
                                  partnerNames: try files.partnerNames())
    }
}

/// `nazorg-hub filter inzage`: the subject access report (art. 15 AVG) from the filter's own
/// store, for the hub's operator; desks and coordinators use the API. Give the BSN on
/// standard input (`--bsn-stdin`) to keep it out of the shell history and process list.
struct FilterInzageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inzage",
        abstract: "Print a person's subject access report: every message the filter sent an organisation about them.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, html
    }

    @OptionGroup var person: BSNInput
    @Option(name: .customLong("data-dir"), help: "The filter's data directory (where filter.sqlite is).")
    var dataDirectory = "data"
    @Option(help: "Partner directory (YAML), for the organisations' names.")
    var partners = "deploy/partners.example.yaml"
    @Option(help: "json, or html for the printable Dutch report.")
    var format: Format = .json
    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let candidate = try person.read()
        guard let pseudonymizer = try SubjectPseudonymizer.fromEnvironment() else {
            throw ValidationError("Set NAZORG_PSEUDONYM_KEY_FILE (or NAZORG_PSEUDONYM_KEY) to intake's subject pseudonym key: the filter knows the person by it.")
        }
        let names = try PartnerDirectory(contentsOf: partners).names
        let store = try FilterStore.openExisting(path: (dataDirectory as NSString).appendingPathComponent("filter.sqlite"))
        guard let report = try await SubjectAccessReport.make(forBSN: candidate, store: store, pseudonymizer: pseudonymizer,
                                                              partnerNames: names) else {
            throw ValidationError("The hub knows no person with this BSN: no notice about them reached the filter.")
        }
        let body = switch format {
        case .json: try report.json() + Data("\n".utf8)
        case .html: Data(report.html().utf8)
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: body, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("The report could not be written to \(output).")
            }
        } else {
            FileHandle.standardOutput.write(body)
        }
    }
}

struct AdaptersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "adapters", abstract: "Run the partner adapters (webhooks, status API).")
    @OptionGroup var common: CommonServiceOptions
    @OptionGroup var files: ContractFileOptions

    func run() async throws {
        let logger = makeLogger("nazorg.adapters")
        let client = HTTPClientService()
        let assembly = try AdaptersService.make(options: common.serviceOptions(service: "adapters", defaultPort: DefaultPort.adapters),
                                                directory: PartnerDirectory(contentsOf: files.partners),
                                                httpClient: client.client, logger: logger)
        try await runUntilSignalled([assembly], extra: [client], logger: logger)
    }
}

struct MonitoringCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "monitoring", abstract: "Run the monitoring dashboard and metrics.")
    @OptionGroup var common: CommonServiceOptions

    func run() async throws {
        let logger = makeLogger("nazorg.monitoring")
        let assembly = try MonitoringService.make(options: common.serviceOptions(service: "monitoring", defaultPort: DefaultPort.monitoring),
                                                  logger: logger)
        try await runUntilSignalled([assembly], logger: logger)
    }
}
