import NazorgContracts

/// The monitoring read model. A protocol so a shared database can replace SQLite when
/// several monitoring instances run side by side.
public protocol MonitoringStore: Sendable {
    /// Folds one observation into the model. Returns false when this observationId was
    /// already applied (a redelivery), which changes nothing.
    @discardableResult
    func apply(_ observation: FlowObserved) async throws -> Bool

    /// The current counts.
    func summary() async throws -> MonitoringSummary
}
