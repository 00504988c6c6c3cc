import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import NazorgTestSupport
import Synchronization

/// Synthetic cases, accounts and the policy for the coordinator API and page tests.
enum CoordinatorFixtures {
    static let start = at("2026-11-23T09:00:00Z")
    static let amsterdamCase = UUID(uuidString: "0b7e3c9a-4f6d-8a1b-9c2d-3e4f5a6b7c8d")!
    static let rotterdamCase = UUID(uuidString: "1c8f4dab-5a7e-8b2c-8d3e-4f5a6b7c8d9e")!
    static let amsterdamPerson = Person(bsn: "999990019", givenName: "Tessa", surname: "Testpersoon", birthDate: day("1990-01-01"))
    static let rotterdamPerson = Person(bsn: "999990020", givenName: "Rik", surname: "Proefpersoon", birthDate: day("1985-05-05"))

    static let directory = try! PartnerDirectory(partners: [
        .init(id: "woon-ams", name: "Woon", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"], webhook: nil),
        .init(id: "opvang-ams", name: "Opvang", role: .housingCorporation, domains: [.housing], municipalities: ["GM0363"], webhook: nil),
        .init(id: "woon-rdam", name: "Woon R", role: .housingCorporation, domains: [.housing], municipalities: ["GM0599"], webhook: nil),
        .init(id: "id-ams", name: "ID", role: .civilAffairs, domains: [.id], municipalities: ["GM0363"], webhook: nil),
    ])

    /// Tokens and their accounts: Amsterdam's coordinator, Rotterdam's region (VR17), everyone.
    static let amsterdamToken = "token-amsterdam-not-secret"
    static let regionToken = "token-vr17-not-secret"
    static let everywhereToken = "token-everywhere-not-secret"
    static let accounts = try! CoordinatorAccounts(callers: [
        .init(name: "coordinator-amsterdam", sha256: CallerTokens.hash(amsterdamToken), scopes: ["GM0363"]),
        .init(name: "rcn-rijnmond", sha256: CallerTokens.hash(regionToken), scopes: ["VR17"]),
        .init(name: "landelijk", sha256: CallerTokens.hash(everywhereToken), scopes: ["*"]),
    ])

    /// The shipped coordinator policy.
    static let policy = try! CoordinatorPolicy.load(directory: repositoryPath("Contracts/policies"))

    static func summary(_ caseId: UUID, municipality: String, person: Person, openEscalations: Int = 1) -> CaseSummary {
        CaseSummary(caseId: caseId, subjectId: String(repeating: municipality == "GM0363" ? "a1" : "b2", count: 16),
                    municipality: municipality, prisonCode: "PI-TEST", person: person, status: .open, openedAt: start,
                    detentionStartDate: day("2026-09-01"), expectedReleaseDate: day("2027-03-15"), releaseDate: nil, closedAt: nil,
                    closeReason: nil, coordinatorCloseReason: nil, cooperation: nil, openDomains: [.housing], openTasks: 1,
                    openEscalations: openEscalations)
    }

    static func task(_ id: String, caseId: UUID, partner: String, subject: String) -> TaskRecord {
        TaskRecord(taskId: id, caseId: caseId, subjectId: subject, domain: .housing, partnerId: partner,
                   partnerRole: .housingCorporation, status: "rejected", deadline: day("2027-03-15"), remark: "remark-never-shown",
                   assignedAt: start, plannedOn: day("2026-11-23"))
    }

    static func escalation(_ id: String, caseId: UUID, municipality: String, person: Person, rank: Int,
                           reason: EscalationRaised.Reason = .taskRejected) -> EscalationView {
        EscalationView(escalation: EscalationRaised(escalationId: id, caseId: caseId,
                                                    subjectId: String(repeating: municipality == "GM0363" ? "a1" : "b2", count: 16),
                                                    municipality: municipality, taskId: "task-\(id)", reason: reason, domain: .housing,
                                                    partnerId: "woon-ams", raisedAt: start),
                       status: .open, person: person, urgencyRank: rank)
    }

    /// An Amsterdam case (rejected housing task of woon-ams, two open escalations) and a
    /// Rotterdam case (one), each with a note.
    static func desk(now: @escaping @Sendable () -> Date = { start }, note: String = "Gesprek gevoerd.") -> InMemoryDesk {
        let ams = summary(amsterdamCase, municipality: "GM0363", person: amsterdamPerson, openEscalations: 2)
        let rdam = summary(rotterdamCase, municipality: "GM0599", person: rotterdamPerson)
        let timelines = [
            CaseTimeline(summary: ams, needs: [Need(domain: .housing, status: .needed, remark: "remark-never-shown")],
                         tasks: [task("task-ams-1", caseId: amsterdamCase, partner: "woon-ams", subject: ams.subjectId)],
                         entries: [TimelineEntry(at: start, kind: .caseOpened, code: "DetentionStarted")],
                         disclosures: [DisclosureSummary(partnerId: "woon-ams", partnerRole: .housingCorporation, count: 1,
                                                         eventTypes: [.taskOffered], firstAt: start, lastAt: start)],
                         notes: [CaseNote(noteId: "note-1", caseId: amsterdamCase, text: note, author: "coordinator-amsterdam", at: start)]),
            CaseTimeline(summary: rdam, needs: [], tasks: [task("task-rdam-1", caseId: rotterdamCase, partner: "woon-rdam", subject: rdam.subjectId)],
                         entries: [], disclosures: [], notes: []),
        ]
        let escalations = [
            escalation("esc-ams-late", caseId: amsterdamCase, municipality: "GM0363", person: amsterdamPerson, rank: 9),
            escalation("esc-ams-urgent", caseId: amsterdamCase, municipality: "GM0363", person: amsterdamPerson, rank: 1,
                       reason: .unannouncedRelease),
            escalation("esc-rdam", caseId: rotterdamCase, municipality: "GM0599", person: rotterdamPerson, rank: 5),
        ]
        return InMemoryDesk(directory: directory, timelines: timelines, escalations: escalations, now: now)
    }
}

func repositoryPath(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(relative).path
}

/// A disclosure log in memory: records what it was given, or fails, or holds every write
/// until released.
final class TestViewLog: CaseViewLog {
    enum Mode { case accept, fail, hold }
    private let state: Mutex<(mode: Mode, written: [CaseViewed], attempts: Int)>
    private let gate = AsyncGate()

    init(_ mode: Mode = .accept) { state = Mutex((mode, [], 0)) }

    var written: [CaseViewed] { state.withLock { $0.written } }
    var attempts: Int { state.withLock { $0.attempts } }
    func release() { gate.open() }

    struct Refused: Error {}

    func write(_ views: [CaseViewed], trace: TraceParent) async throws {
        let mode = state.withLock { s -> Mode in
            s.attempts += 1
            return s.mode
        }
        switch mode {
        case .fail: throw Refused()
        case .hold: await gate.wait()
        case .accept: break
        }
        state.withLock { $0.written += views }
    }
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Lets waiters through once opened.
final class AsyncGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// The coordinator routes on a router, served by Hummingbird's test client.
func withCoordinatorHTTP(desk: any CoordinatorDesk, log: any CaseViewLog = TestViewLog(),
                         policy: CoordinatorPolicy = CoordinatorFixtures.policy, viewLogDeadline: Duration = .seconds(5),
                         now: @escaping @Sendable () -> Date = Date.init, live: Bool = false,
                         _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let router = Router()
    let settings = CoordinatorAPISettings(accounts: CoordinatorFixtures.accounts, policy: policy,
                                          openAPIDocument: "openapi: 3.1.0\n", viewLogDeadline: viewLogDeadline)
    CoordinatorHTTP.add(to: router, desk: desk, settings: settings, directory: CoordinatorFixtures.directory, viewLog: log,
                        logger: quietLogger("coordinator.tests"), now: now)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(live ? .live : .router, body)
}

func bearer(_ token: String, json: Bool = false, key: String? = nil) -> HTTPFields {
    var fields: HTTPFields = [.authorization: "Bearer \(token)"]
    if json { fields[.contentType] = "application/json" }
    if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
    return fields
}

/// A response body as JSON.
func jsonObject(_ buffer: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] ?? [:]
}

/// The JSON pointers of a problem's field errors.
func problemFields(_ buffer: ByteBuffer) throws -> Set<String> {
    let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: buffer))
    return Set(problem.errors?.map(\.field) ?? [])
}
