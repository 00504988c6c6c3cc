import Foundation
import NazorgContracts

/// The request half of a ``WrkLoad`` that plays PI desks: `POST /v1/notices` with valid,
/// synthetic, obviously fake notices (`Contracts/openapi/intake.yaml`), for `bench intake` and
/// any benchmark that feeds the hub from its front door.
///
/// Every request has its own `noticeId` (`<prefix>-<thread>-<n>`), so every 202 stands for a
/// new event. The three notice types take turns; a D&R plan carries one consent. People are
/// "Bench Testpersoon <n>" with BSNs from the 9999 test range that pass the elfproef.
/// Dates come from the caller, relative to the hub's "today", so they stay plausible.
enum NoticeLoadScript {
    /// Prison code of the synthetic desk; its token must have this scope.
    static let prisonCode = "PI-BENCH"
    /// The environment variable the script reads the desk's bearer token from (kept off the
    /// command line, where every process listing shows it).
    static let tokenVariable = "NAZORG_BENCH_TOKEN"

    /// The script's own `key=value` arguments: notice ids start with `idPrefix`; detention
    /// started 30 days before `today` and release is expected 60 days after it.
    static func arguments(idPrefix: String, today: CalendarDate) throws -> [String: String] {
        ["id_prefix": idPrefix, "prison": prisonCode,
         "start_date": try today.adding(days: -30).description, "release_date": try today.adding(days: 60).description]
    }

    static let lua = #"""
        -- Synthetic PI-desk notices (see NoticeLoadScript.swift).
        local kinds = { "DetentionStarted", "DetentionPlanShared", "ReleaseScheduled" }
        local municipalities = { "GM0363", "GM0599", "GM0344" }
        local headers

        function prepare(options, thread_id)
          headers = { ["Content-Type"] = "application/json" }
          local token = os.getenv("\#(tokenVariable)")
          if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
        end

        -- A nine-digit number from the 9999 test range that passes the BSN elfproef.
        local function test_bsn(n)
          local base = 99990000 + n % 10000
          while true do
            local digits, sum = tostring(base), 0
            for i = 1, 8 do sum = sum + tonumber(string.sub(digits, i, i)) * (10 - i) end
            local check = sum % 11
            if check <= 9 then return digits .. check end
            base = base + 1
            if base > 99999999 then base = 99990000 end
          end
        end

        function make_request(sequence)
          local n = thread_id * 1000003 + sequence
          local kind = kinds[sequence % 3 + 1]
          local person = string.format(
            '{"bsn":"%s","givenName":"Bench","surname":"Testpersoon %d","birthDate":"%04d-%02d-%02d"}',
            test_bsn(n), sequence, 1950 + n % 50, 1 + n % 12, 1 + n % 28)
          local body = string.format(
            '{"type":"%s","noticeId":"%s-%d-%d","municipality":"%s","prisonCode":"%s","person":%s,"reportedAt":"%s"',
            kind, options.id_prefix, thread_id, sequence, municipalities[n % 3 + 1], options.prison, person,
            os.date("!%Y-%m-%dT%H:%M:%SZ"))
          if kind == "DetentionStarted" then
            body = body .. string.format(',"detentionStartDate":"%s","expectedReleaseDate":"%s"}',
              options.start_date, options.release_date)
          elseif kind == "DetentionPlanShared" then
            body = body .. string.format(',"expectedReleaseDate":"%s",' ..
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
