"""The schemas must be able to say no. Run: python3 -m pytest Tests/contracts -q"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate  # noqa: E402

EXAMPLES = validate.EXAMPLES_DIR


def example(event_type: str, variant: str = "") -> dict:
    name = f"{event_type}-{variant}-example.json" if variant else f"{event_type}-example.json"
    return json.loads((EXAMPLES / name).read_text())


def problems_at(event_type: str, payload: dict, where: str) -> list[str]:
    """The problems of `payload` at the JSON path `where` (the object itself for "$")."""
    problems = validate.validate_payload(event_type, payload)
    return [p for p in problems if p.startswith(where + ":") or p.startswith(where + ".") or p.startswith(where + "[")]


@pytest.mark.parametrize("event_type", validate.event_types())
def test_every_example_is_valid(event_type):
    assert validate.validate_payload(event_type, example(event_type)) == []


def test_bsn_with_eight_digits_fails():
    payload = example("DetentionStarted")
    payload["person"]["bsn"] = "99999001"
    problems = validate.validate_payload("DetentionStarted", payload)
    assert any(p.startswith("$.person.bsn") for p in problems), problems


def test_bsn_failing_elfproef_fails():
    payload = example("DetentionStarted")
    payload["person"]["bsn"] = "999990018"
    assert any("elfproef" in p for p in validate.validate_payload("DetentionStarted", payload))


def test_extra_property_in_task_offered_subject_fails():
    payload = example("TaskOffered")
    payload["subject"]["offence"] = "must never reach a partner"
    problems = validate.validate_payload("TaskOffered", payload)
    assert any(p.startswith("$.subject") and "offence" in p for p in problems), problems


def test_rejected_status_without_reason_fails():
    payload = example("TaskStatusChanged")
    assert payload["status"] == "rejected"
    del payload["reason"]
    problems = validate.validate_payload("TaskStatusChanged", payload)
    assert any("reason" in p for p in problems), problems


def test_accepted_status_without_reason_passes():
    payload = example("TaskStatusChanged")
    payload["status"] = "accepted"
    del payload["reason"]
    assert validate.validate_payload("TaskStatusChanged", payload) == []


@pytest.mark.parametrize("mutate, where", [
    (lambda p: p.update(municipality="GM36"), "$.municipality"),
    (lambda p: p.update(subjectId="999990019"), "$.subjectId"),
    (lambda p: p.update(detentionStartDate="2026-02-30"), "$.detentionStartDate"),
    (lambda p: p.update(reportedAt="yesterday"), "$.reportedAt"),
    (lambda p: p.update(unexpected=True), "$"),
    (lambda p: p.pop("noticeId"), "$"),
])
def test_detention_started_rejects(mutate, where):
    payload = example("DetentionStarted")
    mutate(payload)
    problems = validate.validate_payload("DetentionStarted", payload)
    assert any(p.startswith(where + ":") or p.startswith(where + ".") or p.startswith(where + "[") for p in problems), problems


def test_plan_without_needs_and_with_duplicate_domains_fails():
    payload = example("DetentionPlanShared")
    empty = copy.deepcopy(payload)
    empty["needs"] = []
    assert any(p.startswith("$.needs") for p in validate.validate_payload("DetentionPlanShared", empty))
    payload["needs"].append({"domain": "id", "status": "arranged"})
    assert any("unique" in p for p in validate.validate_payload("DetentionPlanShared", payload))


def test_unknown_domain_and_partner_role_fail():
    payload = example("TaskAssigned")
    payload["domain"] = "offence"
    payload["partnerRole"] = "employer"
    problems = validate.validate_payload("TaskAssigned", payload)
    assert any(p.startswith("$.domain") for p in problems)
    assert any(p.startswith("$.partnerRole") for p in problems)


def test_monitoring_feed_rejects_direct_identifiers():
    payload = example("FlowObserved")
    payload["person"] = example("DetentionStarted")["person"]
    assert validate.validate_payload("FlowObserved", payload) != []


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(Path(validate.__file__)), *args], capture_output=True, text=True)


def test_events_command_rejects_an_empty_directory(tmp_path):
    result = run_cli("events", str(tmp_path))
    assert result.returncode != 0
    assert "0 passed, 1 failed" in result.stdout


def test_events_command_reports_file_and_path(tmp_path):
    payload = example("TaskOffered")
    payload["subject"]["bsn"] = "123"
    (tmp_path / "TaskOffered-bad.json").write_text(json.dumps(payload))
    (tmp_path / "Unknown-x.json").write_text("{}")
    result = run_cli("events", str(tmp_path))
    assert result.returncode == 1
    assert "TaskOffered-bad.json: $.subject.bsn" in result.stdout
    assert "Unknown-x.json" in result.stdout
    assert "contracts: 0 passed, 2 failed" in result.stdout


def test_events_command_passes_the_examples():
    files = list(EXAMPLES.glob("*.json"))
    assert len(files) > len(validate.event_types())  # the notices' variants are there too
    result = run_cli("events", str(EXAMPLES))
    assert result.returncode == 0, result.stdout
    assert f"contracts: {len(files)} passed, 0 failed" in result.stdout


def test_disclosure_log_refusal_example_is_valid():
    assert validate.validate_payload("DisclosureLogged", example("DisclosureLogged", "refused")) == []


def _refused() -> dict:
    return example("DisclosureLogged", "refused")


@pytest.mark.parametrize("mutate", [
    lambda p: p.pop("refusalReason"),                                   # a refusal names its reason
    lambda p: p.update(disclosedFields=["subject.bsn"]),                # a refusal discloses nothing
    lambda p: p.update(transformations={"subject.subjectId": "pseudonymise"}),
    lambda p: p.update(partnerTraceId="0af7651916cd43dd8448eb211c80319c"),  # no partner record, no partner trace
    lambda p: p.update(refusalReason="because"),
    lambda p: p.update(status="parked"),
])
def test_disclosure_log_rejects_a_malformed_refusal(mutate):
    payload = _refused()
    mutate(payload)
    assert validate.validate_payload("DisclosureLogged", payload) != []


@pytest.mark.parametrize("mutate", [
    lambda p: p.pop("legalBasis"),                            # a disclosure names its basis
    lambda p: p.pop("processingActivityId"),                  # and its processing activity
    lambda p: p.pop("consentId"),                             # on consent, the consent it rests on
    lambda p: p.update(refusalReason="no-consent"),           # only a refusal has a reason
    lambda p: p.update(policyVersion="v1"),
    lambda p: p.update(spanId="not-a-span"),
    lambda p: p.update(transformations={"subject.bsn": "encrypt"}),
])
def test_disclosure_log_rejects_a_malformed_disclosure(mutate):
    payload = example("DisclosureLogged")
    mutate(payload)
    assert validate.validate_payload("DisclosureLogged", payload) != []


def test_disclosure_log_refusal_without_a_policy_may_omit_basis_and_activity():
    payload = _refused()
    payload.update(refusalReason="no-policy")
    del payload["legalBasis"], payload["processingActivityId"]
    assert validate.validate_payload("DisclosureLogged", payload) == []
