"""The contracts of the coordinator's regie (issue 8) say no where they should.
Run: python3 -m pytest Tests/contracts -q"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate  # noqa: E402

EXAMPLES = validate.EXAMPLES_DIR


def example(event_type: str, variant: str = "") -> dict:
    name = f"{event_type}-{variant}-example.json" if variant else f"{event_type}-example.json"
    return json.loads((EXAMPLES / name).read_text())


def put(key, value):
    return lambda p: p.update({key: value})


def drop(key):
    return lambda p: p.pop(key)


def fails_at(event_type: str, payload: dict, where: str) -> bool:
    problems = validate.validate_payload(event_type, payload)
    return any(p.startswith(where + ":") or p.startswith(where + ".") or p.startswith(where + "[") for p in problems)


@pytest.mark.parametrize("event_type, variant", [
    ("EscalationRaised", "not-accepted"), ("EscalationRaised", "hot-potato"), ("EscalationUpdated", ""),
    ("CooperationRecorded", ""), ("CaseViewed", ""), ("TaskAssigned", "measure"), ("TaskAssigned", "reassigned"),
    ("TaskOffered", "measure"), ("TaskWithdrawn", "reassigned"), ("CaseClosed", "coordinator"),
])
def test_the_new_examples_are_valid(event_type, variant):
    assert validate.validate_payload(event_type, example(event_type, variant)) == []


@pytest.mark.parametrize("event_type, variant, change, where", [
    # every escalation names the municipality whose inbox it lands in
    ("EscalationRaised", "", drop("municipality"), "$"),
    ("EscalationRaised", "", put("reason", "late"), "$.reason"),
    ("EscalationRaised", "not-accepted", put("wasDueAt", "last week"), "$.wasDueAt"),
    # a hot potato names the organisations and the time lost; nothing else does
    ("EscalationRaised", "hot-potato", drop("partnerIds"), "$"),
    ("EscalationRaised", "hot-potato", drop("timeLostHours"), "$"),
    ("EscalationRaised", "hot-potato", put("partnerIds", []), "$.partnerIds"),
    ("EscalationRaised", "hot-potato", put("partnerIds", ["test-opvang", "test-opvang"]), "$.partnerIds"),
    ("EscalationRaised", "hot-potato", put("timeLostHours", -1), "$.timeLostHours"),
    ("EscalationRaised", "hot-potato", put("timeLostHours", 1.5), "$.timeLostHours"),
    ("EscalationRaised", "not-accepted", put("partnerIds", ["test-woningcorporatie"]), "$"),
    ("EscalationRaised", "not-accepted", put("timeLostHours", 3), "$"),
    # codes and account names only: no note, no person's name
    ("EscalationUpdated", "", put("status", "open"), "$.status"),
    ("EscalationUpdated", "", put("note", "Synthetic note"), "$"),
    ("EscalationUpdated", "", put("updatedBy", "Tessa Testpersoon"), "$.updatedBy"),
    ("CooperationRecorded", "", put("cooperation", "refuses"), "$.cooperation"),
    ("CooperationRecorded", "", put("remark", "Synthetic remark"), "$"),
    ("CooperationRecorded", "", drop("municipality"), "$"),
    # a view log names fields, never values
    ("CaseViewed", "", put("disclosedFields", ["person.bsn=999990019"]), "$.disclosedFields[0]"),
    ("CaseViewed", "", put("person", {"bsn": "999990019"}), "$"),
    ("CaseViewed", "", put("route", "v1/cases"), "$.route"),
    ("CaseViewed", "", drop("traceId"), "$"),
    # measure tasks carry their measure, and only they do
    ("TaskAssigned", "measure", drop("measure"), "$"),
    ("TaskAssigned", "measure", put("measure", "rent-subsidy"), "$.measure"),
    ("TaskAssigned", "measure", put("domain", "income"), "$.domain"),
    ("TaskAssigned", "", put("measure", "rent-continuation"), "$"),
    ("TaskAssigned", "reassigned", put("reassignedFromTaskId", ""), "$.reassignedFromTaskId"),
    ("TaskOffered", "measure", drop("measure"), "$"),
    ("TaskOffered", "measure", put("domain", "income"), "$.domain"),
    ("TaskOffered", "", put("measure", "benefit-revival"), "$"),
    # a coordinator's closure carries a coded reason; no other closure does
    ("CaseClosed", "coordinator", drop("coordinatorReason"), "$"),
    ("CaseClosed", "coordinator", put("coordinatorReason", "Synthetic free text"), "$.coordinatorReason"),
    ("CaseClosed", "", put("coordinatorReason", "unreachable"), "$"),
])
def test_regie_contracts_refuse(event_type, variant, change, where):
    payload = example(event_type, variant)
    assert validate.validate_payload(event_type, payload) == []
    change(payload)
    assert fails_at(event_type, payload, where), validate.validate_payload(event_type, payload)


def test_every_measure_has_a_domain_rule_and_every_rule_a_measure():
    common = json.loads((validate.SCHEMAS_DIR / "common.json").read_text())
    assert set(validate.MEASURE_DOMAINS) == set(common["$defs"]["AlternativeMeasure"]["enum"])
    assert set(validate.MEASURE_DOMAINS.values()) <= set(common["$defs"]["Domain"]["enum"])


def test_a_partner_learns_of_a_reassignment_but_never_of_a_wrong_person_by_cancellation():
    cancellation = example("TaskCancelled")
    cancellation["reason"] = "reassigned"
    assert validate.validate_payload("TaskCancelled", cancellation) == []
    cancellation["reason"] = "wrong-person"
    assert fails_at("TaskCancelled", cancellation, "$.reason")


def asyncapi() -> dict:
    return yaml.safe_load(validate.ASYNCAPI_FILE.read_text())


def test_the_new_events_travel_where_their_readers_are():
    doc = asyncapi()
    channels = doc["channels"]
    assert {"EscalationUpdated", "CooperationRecorded"} <= set(channels["caseEvents"]["messages"])
    assert "CaseViewed" in channels["disclosures"]["messages"]
    ops = doc["operations"]

    def refs(op):
        return {m["$ref"].rsplit("/", 1)[1] for m in ops[op]["messages"]}

    assert ops["planningLogCaseViews"]["action"] == "send"
    assert ops["planningLogCaseViews"]["channel"]["$ref"] == "#/channels/disclosures"
    assert refs("planningLogCaseViews") == {"CaseViewed"}
    assert ops["planningConsumeDisclosures"]["action"] == "receive"
    assert refs("planningConsumeDisclosures") == {"DisclosureLogged", "SubjectErased"}
    for op in ("planningPublishCaseEvents", "filterConsumeCaseEvents"):
        assert {"EscalationUpdated", "CooperationRecorded"} <= refs(op), op


def test_every_example_file_has_its_asyncapi_example():
    named = set()
    for msg in asyncapi()["components"]["messages"].values():
        for item in msg.get("examples") or []:
            found = validate.IDENTICAL_TO.search(item.get("summary") or "")
            if found:
                named.add(found.group(1))
    files = {p.name for p in EXAMPLES.glob("*.json")}
    assert files - named == set()


def test_the_webhook_measure_offer_is_the_example_file():
    spec = yaml.safe_load((validate.OPENAPI_DIR / "partner-webhook.yaml").read_text())
    media = spec["webhooks"]["taskOffered"]["post"]["requestBody"]["content"]["application/json"]
    assert media["examples"]["measure"]["value"] == example("TaskOffered", "measure")
