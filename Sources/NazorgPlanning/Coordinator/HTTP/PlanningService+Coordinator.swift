import Foundation
import NazorgRuntime

extension PlanningService {
    /// The desk the coordinator's API and page serve, over planning's own store and engine.
    ///
    /// nil while planning has no desk of its own: the HTTP layer was built beside
    /// `PlanningCoordinatorDesk` (issue 8), and `make` refuses to start the API without a
    /// desk rather than serve one that does nothing. Once that type is part of planning this
    /// returns `PlanningCoordinatorDesk(store: store, engine: engine, directory: directory, now: Date.init)`.
    static func coordinatorDesk(store: any PlanningStore, engine: PlanningEngine,
                                directory: PartnerDirectory) -> (any CoordinatorDesk)? {
        nil
    }
}
