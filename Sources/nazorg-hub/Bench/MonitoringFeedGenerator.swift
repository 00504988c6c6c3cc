import Foundation
import NazorgContracts
import NazorgMonitoring

/// A synthetic monitoring feed for `bench monitoring`, as the filter writes it for people
/// going through the hub, and the read model it implies.
///
/// Each person gets a flow: intake notices (all seven types occur), a case opened and for
/// some closed, two to four tasks of a plan with a status path each (accepted, completed,
/// rejected, waiting for consent and offered later, undeliverable, ...), escalations with
/// their reasons, and about 1% repeated deliveries. A few flows report a status late (an
/// older time arriving after a newer one) or two statuses in the same second, which the
/// read model must order by time and stage, not by arrival. Flows of about 2,000 people
/// are interleaved, each person's events in order (one key, one partition). Ids are
/// synthetic and pseudonymous: random subject pseudonyms, case, task and observation UUIDs.
///
/// The expected summary is counted from what each flow means (a task's last status, a case
/// opened and not closed), not by replaying the observations, so it checks the read model's
/// folding rather than repeating it.
struct MonitoringFeedGenerator {
    let total: Int
    /// Records planned so far (every flow started is written whole).
    private(set) var planned = 0
    private(set) var repeats = 0
    private(set) var casesOpened = 0
    private(set) var statusChanges = 0
    private var expected = Expected()
    private var random: SplitMix64
    private var active: [(events: [FlowObserved], next: Int)] = []
    private var people = 0
    /// 2027-01-01T00:00:00Z; every time is a whole second, as the contract's millisecond timestamps keep it.
    private let start = Date(timeIntervalSince1970: 1_798_761_600)
    private static let window = 2000

    init(total: Int, seed: UInt64) {
        self.total = total
        random = SplitMix64(state: seed)
    }

    /// The next `count` observations (fewer at the end, none when all were handed out).
    mutating func next(_ count: Int) -> [FlowObserved] {
        var out: [FlowObserved] = []
        out.reserveCapacity(count)
        while out.count < count {
            while active.count < Self.window && planned < total { active.append((makePerson(), 0)) }
            guard !active.isEmpty else { break }
            let index = Int.random(in: 0..<active.count, using: &random)
            out.append(active[index].events[active[index].next])
            active[index].next += 1
            if active[index].next == active[index].events.count {
                active.swapAt(index, active.count - 1)
                active.removeLast()
            }
        }
        return out
    }

    /// What the read model must show once every record was applied.
    var expectedSummary: MonitoringSummary {
        var summary = MonitoringSummary()
        for type in MonitoringSummary.noticeTypes { summary.noticesByType[type.rawValue] = expected.notices[type, default: 0] }
        summary.notices = expected.notices.values.reduce(0, +)
        summary.openCases = expected.openCases
        for reason in MonitoringSummary.escalationReasons { summary.escalationsByReason[reason] = 0 }
        for (reason, count) in expected.escalations { summary.escalationsByReason[reason.rawValue] = count }
        summary.escalations = expected.escalations.values.reduce(0, +)
        // The generated escalations name no id, so none can be resolved.
        summary.openEscalations = summary.escalations
        for status in MonitoringSummary.taskStatuses { summary.tasksByStatus[status] = 0 }
        for (partner, statuses) in expected.tasks {
            var row = Dictionary(uniqueKeysWithValues: MonitoringSummary.taskStatuses.map { ($0, 0) })
            for (status, count) in statuses {
                row[status] = count
                summary.tasksByStatus[status, default: 0] += count
            }
            summary.tasksByPartner[partner] = row
        }
        return summary
    }

    private struct Expected {
        var notices: [EventType: Int] = [:]
        var openCases = 0
        var escalations: [EscalationRaised.Reason: Int] = [:]
        /// Partner → final status ("assigned" when none) → tasks.
        var tasks: [String: [String: Int]] = [:]
    }

    // MARK: One person's flow

    static let municipalities = ["GM0363", "GM0599", "GM0518", "GM0344", "GM0772", "GM0014", "GM0034", "GM0202"]
    static let partners: [Domain: [String]] = [
        .id: ["bench-burgerzaken-noord", "bench-burgerzaken-zuid"],
        .housing: ["bench-woningcorporatie-a", "bench-woningcorporatie-b", "bench-woningcorporatie-c"],
        .income: ["bench-werk-inkomen-noord", "bench-werk-inkomen-zuid"],
        .debts: ["bench-schuldhulp"],
        .care: ["bench-zorg-ggz", "bench-zorg-vg"],
        .network: ["bench-reclassering"],
    ]

    /// How a task goes; weights out of 100. `late` and `sameSecond` test the ordering rules.
    private enum Path: CaseIterable {
        case none, accepted, completed, rejected, waiting, waitingOffered, waitingAccepted, undeliverable, denied,
             deadlineMissed, late, sameSecond

        var weight: Int {
            switch self {
            case .none: 12
            case .accepted: 25
            case .completed: 22
            case .rejected: 6
            case .waiting: 5
            case .waitingOffered: 4
            case .waitingAccepted: 6
            case .undeliverable: 3
            case .denied: 2
            case .deadlineMissed, .late, .sameSecond: 5
            }
        }

        /// Statuses in the order they arrive, with their day; the escalation raised on the way.
        var steps: (statuses: [(TaskStatus, Double)], escalation: (EscalationRaised.Reason, Double)?, final: String) {
            switch self {
            case .none: ([], nil, "assigned")
            case .accepted: ([(.accepted, 1)], nil, "accepted")
            case .completed: ([(.accepted, 1), (.completed, 20)], nil, "completed")
            case .rejected: ([(.rejected, 2)], (.taskRejected, 2.01), "rejected")
            case .waiting: ([(.awaitingConsent, 0.01)], (.awaitingConsent, 0.02), "awaiting-consent")
            case .waitingOffered: ([(.awaitingConsent, 0.01), (.offered, 2)], (.awaitingConsent, 0.02), "offered")
            case .waitingAccepted: ([(.awaitingConsent, 0.01), (.offered, 2), (.accepted, 3)], (.awaitingConsent, 0.02), "accepted")
            case .undeliverable: ([(.undeliverable, 0.01)], (.deliveryFailed, 0.02), "undeliverable")
            case .denied: ([(.undeliverable, 0.01)], (.disclosureDenied, 0.02), "undeliverable")
            case .deadlineMissed: ([(.accepted, 1)], (.deadlineMissed, 30), "accepted")
            // The filter's waiting report arrives after the partner already accepted.
            case .late: ([(.accepted, 2), (.awaitingConsent, 0.01)], (.awaitingConsent, 0.02), "accepted")
            // Offered and accepted in the same second, accepted arriving first: the later stage wins.
            case .sameSecond: ([(.accepted, 1), (.offered, 1)], nil, "accepted")
            }
        }
    }

    private mutating func makePerson() -> [FlowObserved] {
        people += 1
        var flow = Flow(subject: random.hex(bytes: 16), caseId: random.uuid(),
                        municipality: Self.municipalities.randomElement(using: &random)!,
                        start: start.addingTimeInterval(Double(people) * 37))
        var outcome = Expected()
        func notice(_ type: EventType, day: Double) {
            flow.add(.init(observationId: "", sourceEventType: type, subjectId: flow.subject, municipality: flow.municipality,
                           occurredAt: flow.start), day: day, &random)
            outcome.notices[type, default: 0] += 1
        }
        func escalation(_ reason: EscalationRaised.Reason, task: String?, day: Double) {
            flow.add(.init(observationId: "", sourceEventType: .escalationRaised, subjectId: flow.subject, caseId: flow.caseId,
                           taskId: task, reason: reason, occurredAt: flow.start), day: day, &random)
            outcome.escalations[reason, default: 0] += 1
        }

        notice(.detentionStarted, day: 0)
        flow.add(.init(observationId: "", sourceEventType: .caseOpened, subjectId: flow.subject, municipality: flow.municipality,
                       caseId: flow.caseId, occurredAt: flow.start), day: 0.01, &random)
        if random.chance(0.02) { notice(.noticeWithdrawn, day: 1) }
        if random.chance(0.7) {
            notice(.detentionPlanShared, day: 3)
            for domain in Domain.allCases.shuffled(using: &random).prefix(Int.random(in: 2...4, using: &random)) {
                addTask(domain, to: &flow, &outcome)
            }
        }
        if random.chance(0.04) { notice(.transferred, day: 8) }
        if random.chance(0.85) { notice(.releaseScheduled, day: 10) }
        if random.chance(0.12) { notice(.releaseDateChanged, day: 12) }
        if random.chance(0.55) { notice(.released, day: 40) }
        if random.chance(0.02) { escalation(.unannouncedRelease, task: nil, day: 40) }
        let closed = random.chance(0.35)
        if closed {
            flow.add(.init(observationId: "", sourceEventType: .caseClosed, subjectId: flow.subject, caseId: flow.caseId,
                           occurredAt: flow.start), day: 60, &random)
        }
        // Redeliveries: about 1% of the records arrive a second time, later.
        let originals = flow.events.count
        for index in 0..<originals where random.chance(0.01) { flow.events.append(flow.events[index]) }

        // A flow that would pass the total is replaced by a single notice, so the feed
        // holds exactly `total` records and every flow in it is whole.
        guard planned + flow.events.count <= total else {
            var single = Flow(subject: flow.subject, caseId: flow.caseId, municipality: flow.municipality, start: flow.start)
            single.add(.init(observationId: "", sourceEventType: .detentionStarted, subjectId: single.subject,
                             municipality: single.municipality, occurredAt: single.start), day: 0, &random)
            expected.notices[.detentionStarted, default: 0] += 1
            planned += 1
            return single.events
        }
        planned += flow.events.count
        repeats += flow.events.count - originals
        casesOpened += 1
        statusChanges += flow.statusChanges
        if !closed { expected.openCases += 1 }
        expected.notices.merge(outcome.notices, uniquingKeysWith: +)
        expected.escalations.merge(outcome.escalations, uniquingKeysWith: +)
        expected.tasks.merge(outcome.tasks) { $0.merging($1, uniquingKeysWith: +) }
        return flow.events
    }

    private mutating func addTask(_ domain: Domain, to flow: inout Flow, _ outcome: inout Expected) {
        let taskDay = 3.01
        guard !random.chance(0.04) else {
            flow.add(.init(observationId: "", sourceEventType: .escalationRaised, subjectId: flow.subject, caseId: flow.caseId,
                           reason: .noPartner, occurredAt: flow.start), day: taskDay, &random)
            outcome.escalations[.noPartner, default: 0] += 1
            return
        }
        let candidates = Self.partners[domain]!
        let partner = candidates[Self.municipalities.firstIndex(of: flow.municipality)! % candidates.count]
        let task = random.uuid().uuidString.lowercased()
        flow.add(.init(observationId: "", sourceEventType: .taskAssigned, subjectId: flow.subject, municipality: flow.municipality,
                       caseId: flow.caseId, taskId: task, domain: domain, partnerId: partner, occurredAt: flow.start),
                 day: taskDay, &random)
        var draw = Int.random(in: 0..<100, using: &random)
        let path = Path.allCases.first { draw -= $0.weight; return draw < 0 }!
        let steps = path.steps
        for (status, day) in steps.statuses {
            flow.add(.init(observationId: "", sourceEventType: .taskStatusChanged, subjectId: flow.subject, caseId: flow.caseId,
                           taskId: task, domain: domain, partnerId: partner, status: status, occurredAt: flow.start),
                     day: taskDay + day, &random)
            flow.statusChanges += 1
        }
        if let escalation = steps.escalation {
            let (reason, day) = escalation
            flow.add(.init(observationId: "", sourceEventType: .escalationRaised, subjectId: flow.subject, caseId: flow.caseId,
                           taskId: task, reason: reason, occurredAt: flow.start), day: taskDay + day, &random)
            outcome.escalations[reason, default: 0] += 1
        }
        outcome.tasks[partner, default: [:]][steps.final, default: 0] += 1
    }

    private struct Flow {
        let subject: String
        let caseId: UUID
        let municipality: String
        let start: Date
        var events: [FlowObserved] = []
        var statusChanges = 0

        init(subject: String, caseId: UUID, municipality: String, start: Date) {
            self.subject = subject
            self.caseId = caseId
            self.municipality = municipality
            self.start = start
        }

        /// Adds an observation `day` days after the person's start, to the whole second, with a fresh id.
        mutating func add(_ observation: FlowObserved, day: Double, _ random: inout SplitMix64) {
            var observation = observation
            observation.observationId = random.uuid().uuidString.lowercased()
            observation.occurredAt = start.addingTimeInterval((day * 86_400).rounded())
            events.append(observation)
        }
    }

    /// A small seeded generator (SplitMix64), so the same seed gives the same feed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

        mutating func hex(bytes: Int) -> String {
            (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &self)) }.joined()
        }

        /// A version-4 UUID from this generator's bits.
        mutating func uuid() -> UUID {
            var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &self) }
            bytes[6] = (bytes[6] & 0x0f) | 0x40
            bytes[8] = (bytes[8] & 0x3f) | 0x80
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
