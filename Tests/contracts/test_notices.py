"""The eight notice types: their examples pass, and each new field refuses its bad forms,
in the event schemas and in the intake API's request schemas.
Run: python3 -m pytest Tests/contracts -q"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate  # noqa: E402
from test_negative import example, problems_at  # noqa: E402

NOTICE_TYPES = ["DetentionStarted", "DetentionPlanShared", "ReleaseScheduled", "ReleaseDateChanged",
                "Released", "Transferred", "NoticeWithdrawn", "MunicipalityChanged"]
assert tuple(NOTICE_TYPES) == validate.NOTICE_TYPES


@pytest.mark.parametrize("event_type, variant", [
    ("DetentionStarted", "remand"), ("DetentionPlanShared", "remand"), ("ReleaseDateChanged", "later"),
    ("Released", "unannounced"), ("NoticeWithdrawn", "wrong-person"),
])
def test_every_variant_example_is_valid(event_type, variant):
    assert validate.validate_payload(event_type, example(event_type, variant)) == []


def test_remand_examples_have_no_release_date():
    assert "expectedReleaseDate" not in example("DetentionStarted", "remand")
    assert "expectedReleaseDate" not in example("DetentionPlanShared", "remand")


def drop(key):
    return lambda p: p.pop(key)


def put(key, value):
    return lambda p: p.update({key: value})


def put_need(index, key, value):
    return lambda p: p["needs"][index].update({key: value})


# (event type, variant, change, JSON path the problem must name)
INVALID = [
    ("DetentionStarted", "", drop("detentionType"), "$"),
    ("DetentionStarted", "", put("detentionType", "prison"), "$.detentionType"),
    ("DetentionStarted", "", put("detentionType", "Remand"), "$.detentionType"),
    ("DetentionStarted", "", put("expectedReleaseDate", "2026-11-19"), "$.expectedReleaseDate"),
    ("DetentionPlanShared", "", drop("expectedReleaseDate"), "$"),
    ("DetentionPlanShared", "", drop("detentionType"), "$"),
    ("DetentionPlanShared", "remand", put("detentionType", "sentence"), "$"),
    ("ReleaseDateChanged", "", put("expectedReleaseDate", "2027-03-15"), "$.expectedReleaseDate"),
    ("ReleaseDateChanged", "", put("direction", "later"), "$.direction"),
    ("ReleaseDateChanged", "", put("direction", "sooner"), "$.direction"),
    ("ReleaseDateChanged", "", drop("direction"), "$"),
    ("ReleaseDateChanged", "", put("reason", "early-release"), "$.reason"),
    ("ReleaseDateChanged", "", put("reason", "appeal"), "$.reason"),
    ("ReleaseDateChanged", "", drop("previousReleaseDate"), "$"),
    ("Released", "", drop("releasedAt"), "$"),
    ("Released", "", put("releasedAt", "2027-02-22"), "$.releasedAt"),
    ("Released", "", put("releaseDate", "2027-02-23"), "$.releaseDate"),
    ("Released", "unannounced", put("releaseDate", "2026-11-23"), "$.releaseDate"),
    ("Released", "", put("releaseType", "escaped"), "$.releaseType"),
    ("Released", "", drop("releaseType"), "$"),
    ("Released", "", put("unannounced", "true"), "$.unannounced"),
    ("Released", "", put("unannounced", 1), "$.unannounced"),
    ("Released", "", drop("unannounced"), "$"),
    ("Transferred", "", put("toPrisonCode", "PI-TEST"), "$.toPrisonCode"),
    ("Transferred", "", put("toPrisonCode", "pi-test-2"), "$.toPrisonCode"),
    ("Transferred", "", put("transferDate", "2026-12-32"), "$.transferDate"),
    ("NoticeWithdrawn", "", put("withdrawnNoticeId", "pi-test-2026-0007"), "$.withdrawnNoticeId"),
    ("NoticeWithdrawn", "", put("withdrawnNoticeId", "not an id"), "$.withdrawnNoticeId"),
    ("NoticeWithdrawn", "", put("reason", "other"), "$.reason"),
    ("NoticeWithdrawn", "", put("reason", "entered-in-error"), "$.reason"),
    ("NoticeWithdrawn", "", drop("reason"), "$"),
    ("NoticeWithdrawn", "", put("correctsNoticeId", "pi-test-2026-0007"), "$.correctsNoticeId"),
    ("ReleaseScheduled", "", put("correctsNoticeId", "not an id"), "$.correctsNoticeId"),
    ("MunicipalityChanged", "", put("previousMunicipality", "GM0599"), "$.previousMunicipality"),
    ("MunicipalityChanged", "", put("previousMunicipality", "Utrecht"), "$.previousMunicipality"),
    ("MunicipalityChanged", "", drop("previousMunicipality"), "$"),
    # structured D&R content: details of the need's own domain only, closed codes, a bounded remark
    ("DetentionPlanShared", "", put_need(0, "details", {"housing": {"currentSituation": "shelter"}}), "$.needs[0].details"),
    ("DetentionPlanShared", "", put_need(0, "details", {"id": {"validDocumentPresent": True},
                                                        "housing": {"currentSituation": "shelter"}}), "$.needs[0].details"),
    ("DetentionPlanShared", "", put_need(0, "details", {}), "$.needs[0].details"),
    ("DetentionPlanShared", "", put_need(1, "details", {"housing": {"currentSituation": "castle"}}),
     "$.needs[1].details.housing.currentSituation"),
    ("DetentionPlanShared", "", put_need(2, "details", {"income": {"benefit": "bijstand", "employment": "none"}}),
     "$.needs[2].details.income.benefit"),
    ("DetentionPlanShared", "", put_need(1, "remark", "x" * 2001), "$.needs[1].remark"),
    ("DetentionPlanShared", "", put_need(1, "remark", ""), "$.needs[1].remark"),
    ("DetentionPlanShared", "", put_need(3, "status", "n/a"), "$.needs[3].status"),
]


@pytest.mark.parametrize("event_type, variant, change, where", INVALID,
                         ids=[f"{t}-{v or 'base'}-{w}-{i}" for i, (t, v, _, w) in enumerate(INVALID)])
def test_notice_event_refuses(event_type, variant, change, where):
    payload = copy.deepcopy(example(event_type, variant))
    change(payload)
    assert problems_at(event_type, payload, where), validate.validate_payload(event_type, payload)


@pytest.mark.parametrize("detention_type", ["remand", "other"])
def test_a_plan_without_date_is_valid_unless_for_a_sentence(detention_type):
    payload = example("DetentionPlanShared", "remand")
    payload["detentionType"] = detention_type
    assert validate.validate_payload("DetentionPlanShared", payload) == []


# ---------------------------------------------------------------- the intake API's requests

INTAKE = validate.OPENAPI_DIR / "intake.yaml"
REQUEST = "/paths/~1v1~1notices/post/requestBody/content/application~1json/schema"


@pytest.fixture(scope="module")
def intake():
    spec = yaml.safe_load(INTAKE.read_text())
    examples = spec["paths"]["/v1/notices"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    return spec, {name: item["value"] for name, item in examples.items()}


def request_problems(spec, body) -> list[str]:
    validator = validate.openapi_schema_validator(INTAKE, spec, REQUEST)
    return [e.message for e in validator.iter_errors(body)]


def test_every_notice_type_has_a_request_example(intake):
    _, examples = intake
    assert {e["type"] for e in examples.values()} == set(NOTICE_TYPES)
    assert set(intake[0]["components"]["schemas"]["NoticeRequest"]["discriminator"]["mapping"]) == set(NOTICE_TYPES)


def test_every_request_example_is_valid(intake):
    spec, examples = intake
    for name, body in examples.items():
        assert request_problems(spec, body) == [], name


REQUEST_INVALID = [
    ("detentionStarted", drop("detentionType")),
    ("detentionStarted", put("detentionType", "life")),
    ("detentionPlanShared", drop("expectedReleaseDate")),
    ("releaseDateChanged", put("direction", "earlier")),  # derived by intake, not sent
    ("releaseDateChanged", put("reason", "early-release")),
    ("released", put("releaseDate", "2026-11-23")),  # derived by intake, not sent
    ("released", drop("unannounced")),
    ("released", put("unannounced", "false")),
    ("released", put("releaseType", "escaped")),
    ("released", put("releasedAt", "2026-11-23")),
    ("transferred", drop("toPrisonCode")),
    ("transferred", put("expectedReleaseDate", "2027-03-15")),
    ("noticeWithdrawn", put("reason", "other")),
    ("noticeWithdrawn", drop("withdrawnNoticeId")),
    ("noticeWithdrawn", put("type", "NoticeRetracted")),
    ("municipalityChanged", drop("previousMunicipality")),
    ("municipalityChanged", put("previousMunicipality", "GM363")),
    ("municipalityChanged", put("subjectId", "5f1c0e4a9b2d47c88e3a61f0d2b4c7a9")),  # derived by intake, not sent
    ("releaseScheduledCorrection", put("correctsNoticeId", "not an id")),
    ("detentionPlanSharedWithDetails", put_need(1, "remark", "")),
    ("detentionPlanSharedWithDetails", put_need(1, "details", {"housing": {"currentSituation": "castle"}})),
    ("detentionPlanSharedWithDetails", put_need(3, "details", {"debts": {"debtsKnown": True, "estimatedRange": "12500"}})),
]


@pytest.mark.parametrize("name, change", REQUEST_INVALID, ids=[f"{n}-{i}" for i, (n, _) in enumerate(REQUEST_INVALID)])
def test_request_schema_refuses(intake, name, change):
    spec, examples = intake
    body = copy.deepcopy(examples[name])
    change(body)
    assert request_problems(spec, body) != []


def test_the_request_examples_show_details_a_remark_and_a_correction(intake):
    _, examples = intake
    needs = examples["detentionPlanSharedWithDetails"]["needs"]
    assert {n["domain"] for n in needs} == {"id", "housing", "income", "debts", "care", "network"}
    assert all(list(n["details"]) == [n["domain"]] for n in needs)
    assert any("remark" in n for n in needs)
    assert examples["releaseScheduledCorrection"]["correctsNoticeId"] != examples["releaseScheduledCorrection"]["noticeId"]


def test_a_remand_request_without_date_is_valid(intake):
    spec, examples = intake
    assert "expectedReleaseDate" not in examples["detentionStartedRemand"]
    assert "expectedReleaseDate" not in examples["detentionPlanSharedRemand"]
    assert request_problems(spec, examples["detentionPlanSharedRemand"]) == []
    sentence = dict(examples["detentionPlanSharedRemand"], detentionType="sentence")
    assert request_problems(spec, sentence) != []


# ---------------------------------------------------------------- the documents' own examples

def message_examples(doc, name):
    return doc["components"]["messages"][name]["examples"]


def test_asyncapi_notice_examples_equal_their_files_and_can_fail():
    doc = yaml.safe_load(validate.ASYNCAPI_FILE.read_text())
    assert validate.asyncapi_example_problems(doc) == []
    for name in NOTICE_TYPES:
        assert message_examples(doc, name), name
    assert [e["name"] for e in message_examples(doc, "Released")] == ["synthetic", "unannounced"]
    message_examples(doc, "Released")[1]["payload"]["unannounced"] = False
    message_examples(doc, "Transferred")[0]["payload"]["toPrisonCode"] = "PI-TEST"
    problems = validate.asyncapi_example_problems(doc)
    assert any("Released.examples[1]: payload differs" in p for p in problems), problems
    assert any("Transferred.examples[0].payload.toPrisonCode" in p for p in problems), problems


def test_an_openapi_example_that_breaks_its_schema_is_reported(intake):
    spec, _ = intake
    broken = copy.deepcopy(spec)
    examples = broken["paths"]["/v1/notices"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    examples["released"]["value"]["releaseType"] = "escaped"
    problems = validate.openapi_example_problems(INTAKE, broken)
    assert len(problems) == 1 and "example released" in problems[0], problems
