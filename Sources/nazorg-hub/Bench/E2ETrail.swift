import Foundation
import Logging
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// How `bench e2e` ties a webhook delivery back to the notice whose 202 it follows, from what
/// the hub wrote on its topics (read after the run by a consumer group of the bench's own):
///
/// 1. wrk's answer log: the notice's event id (the 202 body) and when the 202 arrived;
/// 2. `nazorg.intake.notices.v1`: that event id (`ce_id`) and the trace intake started for it;
/// 3. `nazorg.planning.case-events.v1`: the `TaskAssigned` planning decided in that trace, with
///    its task id (each notice is about a person of its own with one need, so one task);
/// 4. `partner.<id>.tasks.v1`: the `TaskOffered` the filter wrote for that task;
/// 5. the webhook: the task id in the body the partner received.
///
/// The partner side holds nothing but what a partner legitimately gets (the task id it
/// reports status for); the links between hub ids are the hub's own records. Record
/// timestamps (set when each record was produced, in ms) split the latency into hops.
struct E2ETrail: Sendable {
    struct Notice: Sendable {
        var traceID: String
        var producedAt: Int64
    }

    struct Assignment: Sendable {
        var traceID: String
        var partnerId: String
        var producedAt: Int64
    }

    /// Every notice on the intake topic (the broker is the bench's own), by event id.
    var notices: [String: Notice] = [:]
    /// TaskAssigned events, by task id.
    var tasks: [String: Assignment] = [:]
    /// When the filter produced the first TaskOffered of each task (ms), by task id.
    var offeredAt: [String: Int64] = [:]
    /// Task ids by the trace of the notice they came from.
    var tasksByTrace: [String: [String]] {
        Dictionary(grouping: tasks.keys, by: { tasks[$0]!.traceID })
    }

    /// Reads the three kinds of topic until every notice in `eventIDs` (and any other on the
    /// topic) is followed as far as the hub took it, or until `timeout` per topic.
    static func read(bootstrap: String, eventIDs: Set<String>, partners: [String], timeout: Duration,
                     logger: Logger) async throws -> E2ETrail {
        var trail = E2ETrail()
        var found = 0
        try await TopicCensus.scan(bootstrap: bootstrap, topic: Topics.intakeNotices, timeout: timeout, logger: logger,
                                   until: { found >= eventIDs.count }) { record in
            guard let event = try? ReceivedEvent(record: record) else { return }
            let notice = Notice(traceID: event.envelope.traceparent.traceID, producedAt: record.timestampMilliseconds ?? 0)
            if trail.notices.updateValue(notice, forKey: event.envelope.id) == nil, eventIDs.contains(event.envelope.id) { found += 1 }
        }
        let traces = Set(trail.notices.values.map(\.traceID))
        var traced = Set<String>()
        try await TopicCensus.scan(bootstrap: bootstrap, topic: Topics.planningCaseEvents, timeout: timeout, logger: logger,
                                   until: { traced.count >= traces.count }) { record in
            guard let event = try? ReceivedEvent(record: record), event.envelope.type == .taskAssigned,
                  traces.contains(event.envelope.traceparent.traceID),
                  let assigned = try? event.decode(TaskAssigned.self) else { return }
            trail.tasks[assigned.taskId] = Assignment(traceID: event.envelope.traceparent.traceID, partnerId: assigned.partnerId,
                                                producedAt: record.timestampMilliseconds ?? 0)
            traced.insert(event.envelope.traceparent.traceID)
        }
        for partner in partners {
            let expected = Set(trail.tasks.filter { $0.value.partnerId == partner }.keys)
            var seen = Set<String>()
            try await TopicCensus.scan(bootstrap: bootstrap, topic: Topics.partnerTasks(partner), timeout: timeout, logger: logger,
                                       until: { seen.count >= expected.count }) { record in
                guard let event = try? ReceivedEvent(record: record), let offer = try? event.decode(TaskOffered.self),
                      expected.contains(offer.taskId), seen.insert(offer.taskId).inserted else { return }
                trail.offeredAt[offer.taskId] = record.timestampMilliseconds ?? 0
            }
        }
        return trail
    }
}

/// Each notice of one phase with what became of it.
struct E2EOutcomes: Sendable {
    /// How far a notice that reached no webhook got.
    enum Stop: String, Sendable, CaseIterable {
        case notOnTopic = "not on the intake topic"
        case noTask = "no TaskAssigned"
        case notOffered = "no TaskOffered"
        case notDelivered = "offered, never delivered"
    }

    /// µs from the 202 to the first delivery, per delivered notice.
    var latencies: [Int64] = []
    /// ms per hop for delivered notices: 202 → TaskAssigned produced (planning), → TaskOffered
    /// produced (filter), → webhook (adapters).
    var hops: (planning: [Int64], filter: [Int64], adapters: [Int64]) = ([], [], [])
    var notices = 0
    var deliveredOnce = 0
    /// Deliveries beyond the first, over all notices.
    var repeated = 0
    var stops: [Stop: Int] = [:]
    var missing: Int { stops.values.reduce(0, +) }

    /// `answers`: answer id → when its 202 arrived (µs). `firstDelivery` and `count` by task id.
    init(answers: [String: Int64], trail: E2ETrail, tasksByTrace: [String: [String]],
         deliveries: [String: (first: Int64, count: Int)]) {
        for (eventID, answeredAt) in answers {
            notices += 1
            guard let notice = trail.notices[eventID] else { stops[.notOnTopic, default: 0] += 1; continue }
            let taskIDs = tasksByTrace[notice.traceID] ?? []
            guard !taskIDs.isEmpty else { stops[.noTask, default: 0] += 1; continue }
            let received = taskIDs.compactMap { deliveries[$0] }
            guard let first = received.map(\.first).min() else {
                stops[taskIDs.contains { trail.offeredAt[$0] != nil } ? .notDelivered : .notOffered, default: 0] += 1
                continue
            }
            let count = received.map(\.count).reduce(0, +)
            repeated += count - 1
            if count == 1 { deliveredOnce += 1 }
            latencies.append(first - answeredAt)
            if let taskID = taskIDs.first, let task = trail.tasks[taskID], let offered = trail.offeredAt[taskID] {
                hops.planning.append(task.producedAt - answeredAt / 1000)
                hops.filter.append(offered - task.producedAt)
                hops.adapters.append(first / 1000 - offered)
            }
        }
        latencies.sort()
        hops.planning.sort()
        hops.filter.sort()
        hops.adapters.sort()
    }
}

/// The value at `percent` of sorted `values` (nearest rank), or nil for none.
func percentile<T>(_ values: [T], _ percent: Double) -> T? {
    guard !values.isEmpty else { return nil }
    let rank = Int((percent / 100 * Double(values.count)).rounded(.up))
    return values[min(max(rank, 1), values.count) - 1]
}
