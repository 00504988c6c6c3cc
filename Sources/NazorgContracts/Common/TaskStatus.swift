/// Status a partner reports for a task. A rejection always carries a reason and returns the task to the coordinator.
public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case accepted
    case rejected
    case completed
}
