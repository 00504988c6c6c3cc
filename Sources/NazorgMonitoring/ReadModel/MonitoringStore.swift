import NazorgContracts

/// The monitoring read model. A protocol so a shared database can replace SQLite when
/// several monitoring instances run side by side.
public protocol MonitoringStore: Sendable {
    /// Folds one observation into the model. Returns false when this observationId was
    /// already applied (a redelivery), which changes nothing.
    @discardableResult
    func apply(_ observation: FlowObserved) async throws -> Bool

    /// Folds observations into the model in one transaction, in order; returns how many were
    /// new. The same as applying them one by one.
    @discardableResult
    func apply(_ observations: [FlowObserved]) async throws -> Int

    /// The current counts.
    func summary() async throws -> MonitoringSummary
}
