import Foundation
import NazorgContracts

/// The request half of a ``WrkLoad`` that plays PI desks: `POST /v1/notices` with valid,
/// synthetic, obviously fake notices (`Contracts/openapi/intake.yaml`), for `bench intake` and
/// any benchmark that feeds the hub from its front door.
///
/// Every request has its own `noticeId` (`<prefix>-<thread>-<n>`), so every 202 stands for a
/// new event. In the ``Mix/mixed`` mix the three notice types take turns and a D&R plan carries
/// one consent; in ``Mix/plans(needs:firstBSNBase:)`` every notice is a D&R plan about a person
/// of its own with one need (the listed domains take turns) and no consent. People are
/// "Bench Testpersoon <n>" with BSNs from the 9999 test range that pass the elfproef.
/// Dates come from the caller, relative to the hub's "today", so they stay plausible.
enum NoticeLoadScript {
    /// Which notices the script sends.
    enum Mix {
        /// DetentionStarted, DetentionPlanShared (housing needed, with consent) and
        /// ReleaseScheduled in turn; BSNs repeat after 10,000 requests and may repeat sooner.
        case mixed
        /// Only D&R plans, each needing one of `needs` in turn, each about a new person: thread t
        /// of T takes the BSN bases `firstBSNBase + t`, `+ T`, `+ 2T`, ... (8 digits in the
        /// 9999 range, skipping those without a valid check digit), so two phases that must not
        /// share people give disjoint ranges (see ``basesNeeded(notices:)``).
        case plans(needs: [Domain], firstBSNBase: Int)
    }

    /// The first and last eight-digit BSN base of the 9999 test range.
    static let bsnBases = 99_990_000...99_999_999

    /// BSN bases a phase of `notices` plan notices may use up: about one base in eleven has no
    /// valid check digit, plus room for the few requests wrk sends beyond the timetable.
    static func basesNeeded(notices: Int) -> Int { notices * 12 / 10 + 200 }

    /// Prison code of the synthetic desk; its token must have this scope.
    static let prisonCode = "PI-BENCH"
    /// The environment variable the script reads the desk's bearer token from (kept off the
    /// command line, where every process listing shows it).
    static let tokenVariable = "NAZORG_BENCH_TOKEN"

    /// The script's own `key=value` arguments: notice ids start with `idPrefix`; detention
    /// started 30 days before `today` and release is expected 60 days after it.
    static func arguments(idPrefix: String, today: CalendarDate, mix: Mix = .mixed) throws -> [String: String] {
        var arguments = ["id_prefix": idPrefix, "prison": prisonCode,
                         "start_date": try today.adding(days: -30).description, "release_date": try today.adding(days: 60).description]
        if case .plans(let needs, let firstBSNBase) = mix {
            precondition(!needs.isEmpty && bsnBases.contains(firstBSNBase), "plans need a domain and a base in the 9999 range")
            arguments["mix"] = "plans"
            arguments["plan_needs"] = needs.map(\.rawValue).joined(separator: ",")
            arguments["bsn_from"] = "\(firstBSNBase)"
        }
        return arguments
    }

    static let lua = #"""
        -- Synthetic PI-desk notices (see NoticeLoadScript.swift).
        local kinds = { "DetentionStarted", "DetentionPlanShared", "ReleaseScheduled" }
        local municipalities = { "GM0363", "GM0599", "GM0344" }
        local headers
        local plans_only, plan_needs, bsn_cursor, bsn_step = false, {}, nil, 1

        function prepare(options, thread_id)
          headers = { ["Content-Type"] = "application/json" }
          local token = os.getenv("\#(tokenVariable)")
          if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
          if options.mix == "plans" then
            plans_only = true
            for domain in string.gmatch(options.plan_needs, "[^,]+") do table.insert(plan_needs, domain) end
            bsn_step = tonumber(options.threads)
            bsn_cursor = tonumber(options.bsn_from) + thread_id
          end
        end

        -- The elfproef check digit of an eight-digit base, or nil when none makes it valid.
        local function check_digit(base)
          local digits, sum = tostring(base), 0
          for i = 1, 8 do sum = sum + tonumber(string.sub(digits, i, i)) * (10 - i) end
          local check = sum % 11
          if check <= 9 then return check end
          return nil
        end

        -- A nine-digit number from the 9999 test range that passes the BSN elfproef.
        local function test_bsn(n)
          local base = 99990000 + n % 10000
          while true do
            local check = check_digit(base)
            if check then return tostring(base) .. check end
            base = base + 1
            if base > 99999999 then base = 99990000 end
          end
        end

        -- The thread's next BSN of its own: every base it takes is new (plans mix).
        local function next_bsn()
          while true do
            local base = bsn_cursor
            bsn_cursor = bsn_cursor + bsn_step
            local check = check_digit(base)
            if check then return tostring(base) .. check end
          end
        end

        function make_request(sequence)
          local n = thread_id * 1000003 + sequence
          local kind = kinds[sequence % 3 + 1]
          if plans_only then kind = "DetentionPlanShared" end
          local person = string.format(
            '{"bsn":"%s","givenName":"Bench","surname":"Testpersoon %d","birthDate":"%04d-%02d-%02d"}',
            plans_only and next_bsn() or test_bsn(n), sequence, 1950 + n % 50, 1 + n % 12, 1 + n % 28)
          local body = string.format(
            '{"type":"%s","noticeId":"%s-%d-%d","municipality":"%s","prisonCode":"%s","person":%s,"reportedAt":"%s"',
            kind, options.id_prefix, thread_id, sequence, municipalities[n % 3 + 1], options.prison, person,
            os.date("!%Y-%m-%dT%H:%M:%SZ"))
          if kind == "DetentionStarted" then
            body = body .. string.format(',"detentionType":"sentence","detentionStartDate":"%s","expectedReleaseDate":"%s"}',
              options.start_date, options.release_date)
          elseif plans_only then
            body = body .. string.format(',"detentionType":"sentence","expectedReleaseDate":"%s","needs":[{"domain":"%s","status":"needed"}],"consents":[]}',
              options.release_date, plan_needs[sequence % #plan_needs + 1])
          elseif kind == "DetentionPlanShared" then
            body = body .. string.format(',"detentionType":"sentence","expectedReleaseDate":"%s",' ..
              '"needs":[{"domain":"housing","status":"needed"},{"domain":"id","status":"arranged"}],' ..
              '"consents":["housing"]}', options.release_date)
          else
            body = body .. string.format(',"expectedReleaseDate":"%s"}', options.release_date)
          end
          return wrk.format("POST", nil, headers, body)
        end

        -- intake answers 202 with {"eventId":"…"}: the id of the notice's record in Kafka.
        function answer_id(status, body)
          if status ~= 202 then return "-" end
          return string.match(body, '"eventId":"([^"]+)"') or "?"
        end

        """#
}
