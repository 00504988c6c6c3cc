extension MunicipalityCodes {
    /// True when `code` is in the table and, if `date` is given, still valid on that day.
    /// Without a date, ended codes count as known so older notices stay valid.
    public static func isKnown(_ code: String, on date: CalendarDate? = nil) -> Bool {
        guard let municipality = all[code] else { return false }
        guard let date, let validUntil = municipality.validUntil else { return true }
        return date <= validUntil
    }

    /// The municipality for `code`, if known.
    public static func municipality(_ code: String) -> Municipality? {
        all[code]
    }
}
