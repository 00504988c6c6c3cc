/// A task as one partner may see it, on `partner.<partnerId>.tasks.v1` and in the webhook
/// body. ``subject`` holds only the fields the processing activity allows.
public struct TaskOffered: EventPayload {
    public static let eventType = EventType.taskOffered

    /// A minimised view of the person: every field is optional and present only when the
    /// partner's policy allows it. Absent fields are omitted from the JSON.
    public struct Subject: Sendable, Hashable, Codable {
        public var bsn: String?
        public var givenName: String?
        public var surname: String?
        public var birthDate: CalendarDate?
        public var prisonCode: String?
        public var municipality: String?
        public var expectedReleaseDate: CalendarDate?
        public var subjectId: String?

        public init(
            bsn: String? = nil,
            givenName: String? = nil,
            surname: String? = nil,
            birthDate: CalendarDate? = nil,
            prisonCode: String? = nil,
            municipality: String? = nil,
            expectedReleaseDate: CalendarDate? = nil,
            subjectId: String? = nil
        ) {
            self.bsn = bsn
            self.givenName = givenName
            self.surname = surname
            self.birthDate = birthDate
            self.prisonCode = prisonCode
            self.municipality = municipality
            self.expectedReleaseDate = expectedReleaseDate
            self.subjectId = subjectId
        }

        /// Names of the present fields as `subject.<field>`, in schema order; what a
        /// DisclosureLogged record lists in `disclosedFields`.
        public var presentFieldNames: [String] {
            let fields: [(String, Bool)] = [
                ("bsn", bsn != nil), ("givenName", givenName != nil), ("surname", surname != nil),
                ("birthDate", birthDate != nil), ("prisonCode", prisonCode != nil),
                ("municipality", municipality != nil), ("expectedReleaseDate", expectedReleaseDate != nil),
                ("subjectId", subjectId != nil),
            ]
            return fields.filter(\.1).map { "subject.\($0.0)" }
        }
    }

    /// Stable across redeliveries; also the webhook's Idempotency-Key.
    public var offerId: String
    public var taskId: String
    public var partnerId: String
    public var domain: Domain
    public var deadline: CalendarDate
    /// The art. 30 processing activity under which the fields are disclosed.
    public var processingActivityId: String
    public var subject: Subject

    public init(
        offerId: String,
        taskId: String,
        partnerId: String,
        domain: Domain,
        deadline: CalendarDate,
        processingActivityId: String,
        subject: Subject
    ) {
        self.offerId = offerId
        self.taskId = taskId
        self.partnerId = partnerId
        self.domain = domain
        self.deadline = deadline
        self.processingActivityId = processingActivityId
        self.subject = subject
    }
}
