import NazorgContracts
import NazorgPlanning
import Testing

@Suite("Planning: Dutch working days")
struct DutchWorkingDaysTests {
    @Test func easterFollowsTheGregorianComputus() {
        #expect(DutchWorkingDays.easterSunday(year: 2024) == day("2024-03-31"))
        #expect(DutchWorkingDays.easterSunday(year: 2025) == day("2025-04-20"))
        #expect(DutchWorkingDays.easterSunday(year: 2027) == day("2027-03-28"))
        #expect(DutchWorkingDays.easterSunday(year: 2038) == day("2038-04-25"))
    }

    @Test func publicHolidaysAreTheOnesOfficesCloseOn() {
        let holidays2025 = ["2025-01-01", "2025-04-21", "2025-04-26", "2025-05-05", "2025-05-29", "2025-06-09",
                            "2025-12-25", "2025-12-26"]
        for text in holidays2025 { #expect(DutchWorkingDays.isPublicHoliday(day(text)), "\(text)") }
        // 27 April 2025 is a Sunday: King's Day moves to Saturday the 26th.
        #expect(!DutchWorkingDays.isPublicHoliday(day("2025-04-27")))
        #expect(DutchWorkingDays.isPublicHoliday(day("2026-04-27")) && !DutchWorkingDays.isPublicHoliday(day("2026-04-26")))
        #expect(!DutchWorkingDays.isPublicHoliday(day("2025-04-18")), "Good Friday is a working day")
        #expect(!DutchWorkingDays.isPublicHoliday(day("2026-05-05")), "Liberation Day only in lustrum years")
        #expect(DutchWorkingDays.isPublicHoliday(day("2030-05-06")) == false && DutchWorkingDays.isPublicHoliday(day("2030-05-05")))
        #expect(DutchWorkingDays.weekday(day("2025-04-27")) == 6 && DutchWorkingDays.weekday(day("1970-01-01")) == 3)
        #expect(DutchWorkingDays.weekday(day("1969-12-29")) == 0, "before the epoch too")
    }

    @Test func tenWorkingDaysSkipWeekendsAndHolidays() throws {
        // Monday 6 January 2025: two plain weeks.
        #expect(try DutchWorkingDays.adding(10, to: day("2025-01-06")) == day("2025-01-20"))
        // From Friday 18 April 2025: Good Friday counts for nothing (it is the start), Easter
        // Monday 21 and King's Day (Saturday 26) skipped; Liberation Day 5 May (lustrum) too.
        #expect(try DutchWorkingDays.adding(10, to: day("2025-04-18")) == day("2025-05-06"))
        // Christmas week 2026: 25 (Friday) and 26 (Saturday) December, New Year (Friday).
        #expect(try DutchWorkingDays.adding(10, to: day("2026-12-21")) == day("2027-01-06"))
        // A Saturday start counts from Monday.
        #expect(try DutchWorkingDays.adding(1, to: day("2027-01-02")) == day("2027-01-04"))
        #expect(try DutchWorkingDays.adding(0, to: day("2027-01-02")) == day("2027-01-02"))
    }
}
