extension TaskStatusChanged {
    /// Longest reason the schema allows.
    public static let maximumReasonLength = 500

    /// Mirrors the schema rule: a rejection carries a non-empty reason of at most 500
    /// characters (counted as the schema does, in Unicode code points).
    public var isValid: Bool {
        if let reason {
            guard !reason.isEmpty, reason.unicodeScalars.count <= Self.maximumReasonLength else { return false }
        }
        return status != .rejected || reason != nil
    }
}
