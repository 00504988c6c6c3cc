import Foundation
import NazorgContracts
import Yams

/// How long the hub keeps what (`Contracts/retention/retention.yaml`): a period per topic,
/// applied by `topics create` as `retention.ms`, and per service store, applied by that
/// service's purge job. The reasoning per period is in `Contracts/retention/README.md`.
public struct RetentionSchedule: Sendable, Equatable {
    /// An ISO 8601 duration in whole days, months or years (`P30D`, `P6M`, `P2Y`); a month
    /// counts 30 days and a year 365, so a period is a fixed number of days.
    public struct Period: Sendable, Equatable, CustomStringConvertible {
        public let description: String
        public let days: Int

        public init(_ text: String) throws {
            guard let match = text.wholeMatch(of: /P([0-9]{1,5})([DMY])/), let count = Int(match.1), count > 0 else {
                throw ConfigurationError("retention period '\(text)' is not an ISO 8601 duration of days, months or years (P30D, P6M, P2Y)")
            }
            description = text
            days = count * (match.2 == "D" ? 1 : match.2 == "M" ? 30 : 365)
        }

        public var seconds: TimeInterval { TimeInterval(days) * 86_400 }
        public var milliseconds: Int64 { Int64(days) * 86_400_000 }

        /// The moment before which something kept for this period has run out.
        public func cutoff(now: Date) -> Date { now.addingTimeInterval(-seconds) }
    }

    public struct StorePeriod: Sendable, Equatable {
        public let period: Period
        /// What the period counts from (`processing`, `last-case-closed`, ...).
        public let after: String
        /// Whether the service applies it yet.
        public let enforced: Bool
    }

    /// The key under which every `partner.<id>.tasks.v1` topic is declared.
    public static let partnerTopics = "partner-tasks"

    public let topics: [String: Period]
    public let stores: [String: [String: StorePeriod]]

    public init(yaml: String, name: String = "retention.yaml") throws {
        struct Document: Decodable {
            struct Topic: Decodable { var retention: String }
            struct Store: Decodable { var retention: String; var after: String; var enforced: Bool }
            var topics: [String: Topic]
            var stores: [String: [String: Store]]
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw ConfigurationError("the retention schedule \(name) is not valid: \(error)")
        }
        var topics: [String: Period] = [:]
        for (topic, entry) in document.topics {
            guard topic == Self.partnerTopics || Topics.all.contains(topic) else {
                throw ConfigurationError("the retention schedule \(name) names unknown topic '\(topic)'")
            }
            topics[topic] = try Period(entry.retention)
        }
        for topic in Topics.all + [Self.partnerTopics] where topics[topic] == nil {
            throw ConfigurationError("the retention schedule \(name) gives no period for topic '\(topic)'")
        }
        var stores: [String: [String: StorePeriod]] = [:]
        for (service, entries) in document.stores {
            for (store, entry) in entries {
                stores[service, default: [:]][store] = StorePeriod(period: try Period(entry.retention), after: entry.after,
                                                                  enforced: entry.enforced)
            }
        }
        self.topics = topics
        self.stores = stores
    }

    public init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("the retention schedule '\(path)' cannot be read")
        }
        try self.init(yaml: text, name: path)
    }

    /// The period of `topic`; a partner's task topic has the partner topics' period.
    public func retention(ofTopic topic: String) -> Period? {
        topics[topic] ?? (topic.hasPrefix("partner.") && topic.hasSuffix(".tasks.v1") ? topics[Self.partnerTopics] : nil)
    }

    /// The period of one store of a service; an error naming what is missing.
    public func store(_ service: String, _ name: String) throws -> StorePeriod {
        guard let period = stores[service]?[name] else {
            throw ConfigurationError("the retention schedule gives no period for store '\(name)' of \(service)")
        }
        return period
    }
}
