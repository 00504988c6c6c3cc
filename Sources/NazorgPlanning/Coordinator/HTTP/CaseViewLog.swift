import Foundation
import NazorgContracts
import NazorgKafka
import NazorgRuntime

/// Where planning logs that a coordinator read a case (Logboek Dataverwerkingen). `write`
/// returns only once every record is durably stored; a read with personal data is never
/// answered before.
public protocol CaseViewLog: Sendable {
    func write(_ views: [CaseViewed], trace: TraceParent) async throws
}

/// The disclosure log on Kafka (`nazorg.filter.disclosures.v1`), beside the filter's
/// disclosures, keyed by the person's pseudonym like them, written by planning's producer.
public struct KafkaCaseViewLog: CaseViewLog {
    let publisher: EventPublisher

    public init(publisher: EventPublisher) {
        self.publisher = publisher
    }

    public func write(_ views: [CaseViewed], trace: TraceParent) async throws {
        let records = try views.map { view in
            try publisher.record(view, topic: Topics.filterDisclosures, key: view.subjectId, id: view.viewId,
                                 subject: view.subjectId, trace: trace, time: view.viewedAt)
        }
        try await publisher.publish(records)
    }
}
