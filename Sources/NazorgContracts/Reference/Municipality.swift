/// A Dutch municipality (gemeente) from `Contracts/reference/gemeenten.csv`.
public struct Municipality: Sendable, Hashable {
    /// CBS code, `GM` plus four digits.
    public let code: String
    public let name: String
    /// Safety region (veiligheidsregio), `VR` plus two digits.
    public let safetyRegion: String
    /// Last day the code is valid (inclusive), for municipalities that merged away; nil
    /// while the code is current. Ended codes stay in the table so older notices stay valid.
    public let validUntil: CalendarDate?

    public init(code: String, name: String, safetyRegion: String, validUntil: CalendarDate? = nil) {
        self.code = code
        self.name = name
        self.safetyRegion = safetyRegion
        self.validUntil = validUntil
    }
}
