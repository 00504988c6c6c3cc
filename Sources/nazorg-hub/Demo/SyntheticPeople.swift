import NazorgContracts

/// Obviously fake people for the demo: "Demo"-surnames and BSNs from the 9999 test range
/// that pass the elfproef, so intake accepts them.
enum SyntheticPeople {
    static func person(_ index: Int) -> Person {
        Person(bsn: bsn(index), givenName: "Demo", surname: "Testpersoon \(index)",
               birthDate: CalendarDate(year: 1970 + index % 30, month: 1 + index % 12, day: 1 + index % 28)!)
    }

    /// The index-th nine-digit number starting with 9999 that passes the elfproef.
    static func bsn(_ index: Int) -> String {
        var found = 0
        var candidate = 99_990_000
        while true {
            let text = String(candidate)
            // 8 digits, then the check digit that makes the weighted sum divisible by 11.
            let digits = text.compactMap { $0.wholeNumberValue }
            let sum = zip(digits, [9, 8, 7, 6, 5, 4, 3, 2]).map(*).reduce(0, +)
            let check = sum % 11
            if check <= 9 {
                if found == index { return text + String(check) }
                found += 1
            }
            candidate += 1
        }
    }
}
