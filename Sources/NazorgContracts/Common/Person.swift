/// Identity of a person as the prison knows it. Personal data: never log it.
public struct Person: Sendable, Hashable, Codable {
    /// Burgerservicenummer, 9 digits passing the elfproef (see ``Bsn``).
    public var bsn: String
    public var givenName: String?
    public var surname: String
    public var birthDate: CalendarDate

    public init(bsn: String, givenName: String? = nil, surname: String, birthDate: CalendarDate) {
        self.bsn = bsn
        self.givenName = givenName
        self.surname = surname
        self.birthDate = birthDate
    }
}
