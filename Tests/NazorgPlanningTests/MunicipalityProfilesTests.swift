import Foundation
import NazorgContracts
import NazorgPlanning
import NazorgRuntime
import Testing

/// The profiles file: parsing, the checks at start-up, and which profile a case gets.
@Suite("Planning: municipality profiles")
struct MunicipalityProfilesTests {
    /// Amsterdam (GM0363) lies in VR13, Rotterdam (GM0599) in VR17, Zaanstad (GM0479) in VR11.
    static let file = """
        default:
          deadlines:
            deliver:
              id: {anchor: expected-release, days: -42}
          responseHours: {default: 72, roles: {housing-corporation: 120}}
          aftercareDays: 200
        profiles:
          VR13:
            responseHours: {partners: {woon-ams: 24}}
            deadlines:
              deliver:
                housing: {anchor: expected-release, days: -7}
            consentWaitHours: 48
          GM0363:
            deadlines:
              deliver:
                debts: {anchor: release, days: 60}
            aftercareDays: 365
            measures:
              - measure: rent-continuation
                owner: {partner: wi-ams}
                deadline: {anchor: detention-start, days: 14}
          GM0599:
            covers: [id, housing]
        """

    @Test func aMunicipalityProfileWinsOverItsRegionsAndTheRegionsOverTheDefault() throws {
        let profiles = try MunicipalityProfiles(yaml: Self.file, directory: Fixtures.directory)
        let amsterdam = profiles.profile(for: "GM0363")
        #expect(amsterdam.aftercareDays == 365, "the municipality's own")
        #expect(amsterdam.consentWaitHours == 48, "from its region")
        #expect(amsterdam.responseHours.hours(partnerId: "woon-ams", role: .housingCorporation) == 24, "the region's partner term")
        #expect(amsterdam.responseHours.hours(partnerId: "woon-x", role: .housingCorporation) == 120, "the default's role term")
        #expect(amsterdam.responseHours.hours(partnerId: "wi-ams", role: .socialServices) == 72)
        #expect(amsterdam.measures.map(\.measure) == [.rentContinuation])
        #expect(amsterdam.measures.first?.condition == .ownTenancy, "the measure's standard condition")
        // Another municipality of VR13 without a profile of its own gets the region's.
        let diemen = profiles.profile(for: "GM0384")
        #expect(MunicipalityCodes.municipality("GM0384")?.safetyRegion == "VR13")
        #expect(diemen.consentWaitHours == 48 && diemen.aftercareDays == 200 && diemen.measures.isEmpty)
        // A municipality of a region without a profile gets the default.
        let zaanstad = profiles.profile(for: "GM0479")
        #expect(zaanstad.consentWaitHours == MunicipalityProfile.standard.consentWaitHours && zaanstad.aftercareDays == 200)
        #expect(profiles.profile(for: "GM0599").covers == [.id, .housing])
        #expect(profiles.shortestAftercareDays == 200)
    }

    @Test func partialDeliverMapsMergeOverWhatTheyRefine() throws {
        let profiles = try MunicipalityProfiles(yaml: Self.file, directory: Fixtures.directory)
        let standard = DeadlineRules.standard.deliver
        let amsterdam = profiles.profile(for: "GM0363").rules.deliver
        #expect(amsterdam[.id] == DeadlineRule(.expectedRelease, days: -42), "from the default")
        #expect(amsterdam[.housing] == DeadlineRule(.expectedRelease, days: -7), "from the region")
        #expect(amsterdam[.debts] == DeadlineRule(.release, days: 60), "its own")
        #expect(amsterdam[.income] == standard[.income] && amsterdam[.care] == standard[.care] && amsterdam[.network] == standard[.network])
        let rotterdam = profiles.profile(for: "GM0599").rules
        #expect(rotterdam.deliver[.id] == DeadlineRule(.expectedRelease, days: -42) && rotterdam.deliver[.housing] == standard[.housing])
        #expect(rotterdam.screen == DeadlineRules.standard.screen && rotterdam.firstContact == DeadlineRules.standard.firstContact)
    }

    @Test func theExampleFileIsValidAgainstTheExamplePartners() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = try PartnerDirectory(contentsOf: root.appendingPathComponent("deploy/partners.example.yaml").path)
        let profiles = try MunicipalityProfiles(contentsOf: root.appendingPathComponent("deploy/profiles.example.yaml").path,
                                                directory: directory)
        let rotterdam = profiles.profile(for: "GM0599")
        #expect(rotterdam.measures.map(\.measure) == [.rentContinuation, .benefitRevival, .kostendelersnormExemption])
        #expect(rotterdam.responseHours.hours(partnerId: "woonstad-voorbeeld", role: .housingCorporation) == 120)
        #expect(rotterdam.responseHours.hours(partnerId: "werk-inkomen-rotterdam", role: .socialServices) == 48, "from VR17")
        #expect(rotterdam.aftercareDays == 365 && rotterdam.rules.deliver[.debts] == DeadlineRule(.release, days: 42))
        #expect(!profiles.profile(for: "GM1916").covers(.network))
    }

    @Test(arguments: [
        ("profiles: {GM9999: {aftercareDays: 30}}", "profile 'GM9999' is neither"),
        ("profiles: {VR99: {aftercareDays: 30}}", "profile 'VR99' is neither"),
        ("default: {covers: [id, hausing]}", "profile 'default', key 'covers': 'hausing' is not a basisvoorwaarde"),
        ("profiles: {GM0363: {deadlines: {deliver: {passport: {anchor: release}}}}}",
         "profile 'GM0363', key 'deadlines.deliver.passport'"),
        ("profiles: {VR13: {responseHours: {roles: {landlord: 5}}}}", "profile 'VR13', key 'responseHours.roles.landlord'"),
        ("default: {responseHours: {partners: {nobody-here: 5}}}", "key 'responseHours.partners.nobody-here': 'nobody-here' is not in the partner directory"),
        ("default: {deadlines: {screen: {anchor: someday}}}", "key 'deadlines.screen.anchor': 'someday' is not an anchor"),
        ("default: {deadlines: {screen: {anchor: detention-start, hours: 5}}}", "key 'deadlines.screen'"),
        ("default: {deadlines: {screen: {days: 5}}}", "key 'deadlines.screen': needs an anchor"),
        ("default: {aftercareDays: -5}", "key 'aftercareDays': must not be negative"),
        ("default: {responseHours: {default: -1}}", "key 'responseHours.default': must not be negative"),
        ("default: {consentWaitHours: -48}", "key 'consentWaitHours': must not be negative"),
        ("default: {responseHours: {default: 0}}", "key 'responseHours.default': must lie between 0.01 and 8760 hours"),
        ("default: {responseHours: {default: .nan}}", "key 'responseHours.default': must be a number of hours"),
        ("default: {consentWaitHours: soon}", "key 'consentWaitHours': must be a number of hours"),
        ("default: {planWorkingDays: ten}", "key 'planWorkingDays': must be a whole number"),
        ("default: {aftercareDays: 30, aftercareDays: 60}", "key 'aftercareDays': appears twice"),
        ("profiles: {GM0363: {aftercareDays: 30}, GM0363: {aftercareDays: 60}}", "key 'profiles.GM0363': appears twice"),
        ("default: {aftercareDay: 30}", "key 'aftercareDay': is not a known key"),
        ("defaults: {aftercareDays: 30}", "key 'defaults': is not a known key"),
        ("default: {measures: [{measure: rent-continuation, owner: {role: social-services}, deadline: {anchor: release}},"
            + " {measure: rent-continuation, owner: {role: social-services}, deadline: {anchor: release}}]}",
         "key 'measures[1]': 'rent-continuation' is listed twice"),
        ("default: {measures: [{measure: free-money, owner: {role: social-services}, deadline: {anchor: release}}]}",
         "key 'measures[0].measure': 'free-money' is not an alternative measure"),
        ("default: {measures: [{measure: rent-continuation, owner: {role: social-services}}]}",
         "key 'measures[0]': needs measure, owner and deadline"),
        ("default: {measures: [{measure: rent-continuation, owner: {role: social-services, partner: wi-ams}, deadline: {anchor: release}}]}",
         "key 'measures[0].owner': needs exactly one"),
        ("default: {measures: [{measure: rent-continuation, owner: {role: social-services}, deadline: {anchor: release}, when: rainy}]}",
         "key 'measures[0].when': 'rainy' is not a condition"),
        ("profiles: {GM0599: {measures: [{measure: rent-continuation, owner: {partner: wi-ams}, deadline: {anchor: release}}]}}",
         "profile 'GM0599', key 'measures[0].owner.partner': 'wi-ams' does not serve GM0599"),
        ("profiles: {GM0363: {covers: [id], measures: [{measure: benefit-revival, owner: {role: social-services}, deadline: {anchor: release}}]}}",
         "profile 'GM0363', key 'measures[0]': 'benefit-revival' protects income, which the profile does not cover"),
        ("", "the file is empty"),
        ("default: [1, 2]", "profile 'default', key '': must be a mapping"),
    ])
    func aBadFileIsRefusedNamingTheProfileAndTheKey(yaml: String, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try MunicipalityProfiles(yaml: yaml, directory: Fixtures.directory)
        }
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func eachCaseClosesAfterItsOwnMunicipalitysAftercarePeriod() async throws {
        var short = MunicipalityProfile.standard
        short.aftercareDays = 30
        let planner = Planner(directory: Fixtures.directory, profiles: MunicipalityProfiles(municipalities: ["GM0363": short]))
        let rig = try PlanningRig(clock: TestClock(at("2027-01-04T09:00:00Z")), planner: planner)
        let amsterdam = PIDesk()
        let rotterdam = PIDesk(subject: String(repeating: "5c", count: 16), municipality: "GM0599")
        for desk in [amsterdam, rotterdam] {
            try await rig.deliver(desk.plan("\(desk.municipality)-plan", expected: "2027-03-01", [need(.housing, .needed)]))
            try await rig.deliver(desk.released("\(desk.municipality)-rel", "2027-03-01T09:00:00Z"))
        }
        rig.clock.set(at("2027-03-30T09:00:00Z"))
        try await rig.tick()
        #expect(try rig.events(CaseClosed.self).isEmpty)
        rig.clock.set(at("2027-03-31T09:00:00Z"))
        try await rig.tick()
        let closed = try rig.events(CaseClosed.self)
        #expect(closed.map(\.municipality) == ["GM0363"] && closed.first?.reason == .aftercarePeriodEnded)
        rig.clock.set(at("2027-08-28T09:00:00Z"))
        try await rig.tick()
        #expect(try rig.events(CaseClosed.self).map(\.municipality) == ["GM0363", "GM0599"], "180 days for the default")
        #expect(rig.refusals.isEmpty)
        await rig.close()
    }

    @Test func aPlannerWithoutProfilesHasOneStandardProfileWithItsRulesAndPeriod() {
        var rules = DeadlineRules.standard
        rules.deliver[.housing] = DeadlineRule(.expectedRelease, days: 3)
        let planner = Planner(directory: Fixtures.directory, rules: rules, aftercareDays: 90)
        for municipality in ["GM0363", "GM0599"] {
            #expect(planner.profile(for: municipality).rules == rules && planner.profile(for: municipality).aftercareDays == 90)
        }
        #expect(planner.rules == rules && planner.aftercareDays == 90)
    }
}
