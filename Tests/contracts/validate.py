#!/usr/bin/env python3
"""Checks the nazorg-hub contracts in Contracts/.

Subcommands:
  asyncapi      validate Contracts/asyncapi.yaml against the AsyncAPI 3.0.0 JSON Schema
                (from $NAZORG_SHARED_SPECS, else ../shared/specs next to the repository root)
  openapi       validate every Contracts/openapi/*.yaml as an OpenAPI 3.1 document
  schemas       every Contracts/schemas/*.json is a valid draft 2020-12 schema with the
                expected $id, closed objects and resolvable $refs; every AsyncAPI payload
                $ref points at an existing schema file
  events DIR    validate every DIR/<EventType>-<anything>.json against the schema of
                its event type (plus a few checks JSON Schema cannot express)
  policies [DIR]
                validate every DIR/*.yaml (default Contracts/policies) against
                Contracts/config/partner-policy.json
  response SPEC SCHEMA FILE...
                validate each JSON FILE against components/schemas/SCHEMA of
                Contracts/openapi/SPEC.yaml (a response body a test captured)
  all           asyncapi, openapi, schemas, events Contracts/examples and policies

Prints one line per failure (file, JSON path, message) and a summary line
`contracts: N passed, M failed`; exits 1 when anything failed.
Needs: jsonschema, referencing, PyYAML, openapi-spec-validator.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7, DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = REPO_ROOT / "Contracts"
SCHEMAS_DIR = CONTRACTS / "schemas"
OPENAPI_DIR = CONTRACTS / "openapi"
ASYNCAPI_FILE = CONTRACTS / "asyncapi.yaml"
EXAMPLES_DIR = CONTRACTS / "examples"
URN_PREFIX = "urn:nazorg-hub:schema:"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def shared_specs_dir() -> Path:
    env = os.environ.get("NAZORG_SHARED_SPECS")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "specs"


def kebab(pascal: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", pascal).lower()


def schema_file_for(event_type: str) -> Path:
    return SCHEMAS_DIR / f"{kebab(event_type)}.json"


def json_path(parts) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self) -> None:
        self.passed += 1

    def fail(self, where: str, problems: list[str]) -> None:
        self.failed += 1
        for p in problems:
            print(f"FAIL {where}: {p}")

    def check(self, where: str, problems: list[str]) -> None:
        if problems:
            self.fail(where, problems)
        else:
            self.ok()

    def finish(self) -> int:
        print(f"contracts: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


# ---------------------------------------------------------------- payload schemas

def load_schemas() -> dict[Path, dict]:
    return {p: json.loads(p.read_text()) for p in sorted(SCHEMAS_DIR.glob("*.json"))}


def build_registry(schemas: dict[Path, dict] | None = None) -> Registry:
    schemas = schemas if schemas is not None else load_schemas()
    return Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
        for s in schemas.values() if "$id" in s)


def event_types() -> list[str]:
    """Event type names as listed in common.json (the EventTypeName enum)."""
    common = json.loads((SCHEMAS_DIR / "common.json").read_text())
    return list(common["$defs"]["EventTypeName"]["enum"])


def payload_validator(event_type: str, registry: Registry | None = None) -> Draft202012Validator:
    schema = json.loads(schema_file_for(event_type).read_text())
    return Draft202012Validator(schema, registry=registry or build_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def elfproef(bsn: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", bsn) or bsn == "000000000":
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]
    return total % 11 == 0


def semantic_problems(event_type: str, payload) -> list[str]:
    """Rules the schemas cannot express."""
    problems: list[str] = []
    if not isinstance(payload, dict):
        return problems
    if event_type == "DetentionPlanShared" and isinstance(payload.get("needs"), list):
        domains = [n.get("domain") for n in payload["needs"] if isinstance(n, dict)]
        if len(domains) != len(set(domains)):
            problems.append("$.needs: need domains must be unique")
    problems += notice_problems(event_type, payload)
    problems += measure_problems(event_type, payload)
    for path, container in (("$.person", payload.get("person")), ("$.subject", payload.get("subject"))):
        if isinstance(container, dict) and isinstance(container.get("bsn"), str) \
                and re.fullmatch(r"[0-9]{9}", container["bsn"]) and not elfproef(container["bsn"]):
            problems.append(f"{path}.bsn: fails the elfproef")
    return problems


# The basisvoorwaarde each alternative measure protects (AlternativeMeasure.domain in Swift).
MEASURE_DOMAINS = {"rent-continuation": "housing", "benefit-revival": "income", "kostendelersnorm-exemption": "income"}


def measure_problems(event_type: str, payload: dict) -> list[str]:
    """A measure task's domain is the basisvoorwaarde its measure protects."""
    if event_type not in ("TaskAssigned", "TaskOffered"):
        return []
    expected = MEASURE_DOMAINS.get(payload.get("measure"))
    if expected and payload.get("domain") is not None and payload.get("domain") != expected:
        return [f"$.domain: a {payload['measure']} task's domain is {expected}"]
    return []


def calendar_date(value) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def timestamp(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


NOTICE_TYPES = ("DetentionStarted", "DetentionPlanShared", "ReleaseScheduled", "ReleaseDateChanged", "Released",
                "Transferred", "NoticeWithdrawn", "MunicipalityChanged")


def notice_problems(event_type: str, payload: dict) -> list[str]:
    """What intake guarantees across the fields of a notice."""
    problems: list[str] = []
    if event_type == "DetentionStarted":
        start, release = calendar_date(payload.get("detentionStartDate")), calendar_date(payload.get("expectedReleaseDate"))
        if start and release and release < start:
            problems.append("$.expectedReleaseDate: must not be before detentionStartDate")
    elif event_type == "ReleaseDateChanged":
        previous, expected = calendar_date(payload.get("previousReleaseDate")), calendar_date(payload.get("expectedReleaseDate"))
        if previous and expected:
            if previous == expected:
                problems.append("$.expectedReleaseDate: must differ from previousReleaseDate")
            elif payload.get("direction") != ("earlier" if expected < previous else "later"):
                problems.append("$.direction: does not match the two dates")
    elif event_type == "Released":
        released_at, day = timestamp(payload.get("releasedAt")), calendar_date(payload.get("releaseDate"))
        if released_at and day and released_at.astimezone(AMSTERDAM).date() != day:
            problems.append("$.releaseDate: must be the day of releasedAt in Europe/Amsterdam")
    elif event_type == "Transferred":
        if payload.get("toPrisonCode") is not None and payload.get("toPrisonCode") == payload.get("prisonCode"):
            problems.append("$.toPrisonCode: must differ from prisonCode")
    elif event_type == "NoticeWithdrawn":
        if payload.get("withdrawnNoticeId") is not None and payload.get("withdrawnNoticeId") == payload.get("noticeId"):
            problems.append("$.withdrawnNoticeId: must differ from noticeId")
    elif event_type == "MunicipalityChanged":
        if payload.get("previousMunicipality") is not None and payload.get("previousMunicipality") == payload.get("municipality"):
            problems.append("$.previousMunicipality: must differ from municipality")
    elif event_type == "DetentionPlanShared" and isinstance(payload.get("needs"), list):
        for index, need in enumerate(payload["needs"]):
            details = need.get("details") if isinstance(need, dict) else None
            if isinstance(details, dict) and details and list(details) != [need.get("domain")]:
                problems.append(f"$.needs[{index}].details: must hold the details of the need's own domain only")
    if event_type in NOTICE_TYPES and payload.get("correctsNoticeId") is not None \
            and payload.get("correctsNoticeId") == payload.get("noticeId"):
        problems.append("$.correctsNoticeId: must differ from noticeId")
    return problems


def validate_payload(event_type: str, payload, registry: Registry | None = None) -> list[str]:
    """All problems of one payload as 'json-path: message' strings (empty when valid)."""
    if event_type not in event_types():
        return [f"unknown event type {event_type!r}"]
    validator = payload_validator(event_type, registry)
    problems = [f"{json_path(e.absolute_path)}: {e.message}"
                for e in sorted(validator.iter_errors(payload), key=lambda e: list(map(str, e.absolute_path)))]
    return problems + semantic_problems(event_type, payload)


def iter_refs(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield path, v
            else:
                yield from iter_refs(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from iter_refs(v, path + (i,))


def iter_object_schemas(node, path=(), constraint=False):
    """Object schemas that must be closed. A `then` or `else` branch only constrains the object
    it belongs to, which is closed itself, so it is not one; what lies inside it may be."""
    if isinstance(node, dict):
        if (node.get("type") == "object" or "properties" in node) and not (constraint and "type" not in node):
            yield path, node
        for k, v in node.items():
            if k in ("if", "const", "enum", "examples"):
                continue
            yield from iter_object_schemas(v, path + (k,), k in ("then", "else"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from iter_object_schemas(v, path + (i,))


def cmd_schemas(report: Report) -> None:
    schemas = load_schemas()
    registry = build_registry(schemas)
    for path, schema in schemas.items():
        problems: list[str] = []
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as e:  # SchemaError: report and continue with the other checks
            problems.append(f"not a valid 2020-12 schema: {getattr(e, 'message', e)}")
        if schema.get("$schema") != DRAFT_2020_12:
            problems.append(f"$schema must be {DRAFT_2020_12}")
        expected_id = f"{URN_PREFIX}{path.stem}:v1"
        if schema.get("$id") != expected_id:
            problems.append(f"$id must be {expected_id}, found {schema.get('$id')!r}")
        for p, obj in iter_object_schemas(schema):
            extra = obj.get("additionalProperties")
            # A map (no named properties, every value of one schema) is closed by that schema.
            is_map = isinstance(extra, dict) and "properties" not in obj
            if extra is not False and not is_map:
                problems.append(f"{json_path(p)}: object schema without additionalProperties: false")
        resolver = registry.resolver(base_uri=schema.get("$id", ""))
        for p, ref in iter_refs(schema):
            try:
                resolver.lookup(ref)
            except Unresolvable as e:
                problems.append(f"{json_path(p)}: $ref {ref!r} does not resolve ({type(e).__name__})")
        report.check(str(path.relative_to(REPO_ROOT)), problems)

    # every event type has a schema file and vice versa
    names = event_types()
    expected = {schema_file_for(n).name for n in names} | {"common.json"}
    present = {p.name for p in schemas}
    report.check("Contracts/schemas (event type coverage)",
                 [f"missing schema file {f}" for f in sorted(expected - present)]
                 + [f"schema file {f} has no event type in common.json EventTypeName" for f in sorted(present - expected)])

    # every AsyncAPI payload $ref points at an existing schema file
    doc = yaml.safe_load(ASYNCAPI_FILE.read_text())
    problems = []
    for name, msg in (doc.get("components", {}).get("messages", {}) or {}).items():
        payload = msg.get("payload", {})
        ref = (payload.get("schema") or {}).get("$ref") if "schema" in payload else payload.get("$ref")
        if ref is None:
            if name != "DeadLetter":
                problems.append(f"components.messages.{name}: payload has no $ref to a schema file")
            continue
        target = (ASYNCAPI_FILE.parent / ref.split("#", 1)[0]).resolve()
        if not target.is_file():
            problems.append(f"components.messages.{name}: payload $ref {ref!r} is not a file")
        elif name in names and target != schema_file_for(name).resolve():
            problems.append(f"components.messages.{name}: payload $ref {ref!r} should be {schema_file_for(name).name}")
    missing = [n for n in names if n not in (doc.get("components", {}).get("messages") or {})]
    problems += [f"event type {n} has no message in asyncapi.yaml" for n in missing]
    report.check("Contracts/asyncapi.yaml (payload refs)", problems)


def cmd_events(report: Report, directory: Path) -> None:
    if not directory.is_dir():
        report.fail(str(directory), ["not a directory"])
        return
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix == ".json")
    if not files:
        report.fail(str(directory), ["no <EventType>-<anything>.json files found"])
        return
    registry = build_registry()
    known = set(event_types())
    for f in files:
        event_type = f.name.split("-", 1)[0].removesuffix(".json")
        if event_type not in known:
            report.fail(str(f), [f"file name does not start with a known event type ({event_type!r})"])
            continue
        try:
            payload = json.loads(f.read_text())
        except json.JSONDecodeError as e:
            report.fail(str(f), [f"not JSON: {e}"])
            continue
        report.check(str(f), validate_payload(event_type, payload, registry))


# ---------------------------------------------------------------- AsyncAPI and OpenAPI

def cmd_asyncapi(report: Report) -> None:
    spec_file = shared_specs_dir() / "asyncapi-3.0.0.schema.json"
    if not spec_file.is_file():
        report.fail(str(spec_file), ["AsyncAPI schema not found; set NAZORG_SHARED_SPECS"])
        return
    meta = json.loads(spec_file.read_text())
    registry = Registry().with_resources(
        (k, Resource.from_contents(v, default_specification=DRAFT7)) for k, v in meta["definitions"].items())
    doc = yaml.safe_load(ASYNCAPI_FILE.read_text())
    validator = Draft7Validator(meta, registry=registry)
    problems = []
    for e in validator.iter_errors(doc):
        leaf = best_match([e])  # descend into oneOf/anyOf to the most relevant cause
        problems.append(f"{json_path(leaf.absolute_path)}: {leaf.message[:300]}")
    # the CloudEvents type header of each message must match its name
    for name, msg in (doc.get("components", {}).get("messages") or {}).items():
        if name == "DeadLetter":
            continue
        ce_type = (((msg.get("headers") or {}).get("properties") or {}).get("ce_type") or {}).get("const")
        if ce_type != f"nl.nazorg.{name}.v1":
            problems.append(f"$.components.messages.{name}.headers: ce_type const must be nl.nazorg.{name}.v1")
    problems += asyncapi_example_problems(doc)
    report.check(str(ASYNCAPI_FILE.relative_to(REPO_ROOT)), problems)


IDENTICAL_TO = re.compile(r"identical to examples/([A-Za-z0-9-]+\.json)")


def asyncapi_example_problems(doc: dict) -> list[str]:
    """A message example that says it is identical to an example file is, and every message
    example of an event type validates against that type's schema."""
    problems = []
    registry = build_registry()
    known = set(event_types())
    for name, msg in (doc.get("components", {}).get("messages") or {}).items():
        for index, item in enumerate(msg.get("examples") or []):
            where = f"$.components.messages.{name}.examples[{index}]"
            found = IDENTICAL_TO.search(item.get("summary") or "")
            if found:
                file = EXAMPLES_DIR / found.group(1)
                if not file.is_file():
                    problems.append(f"{where}: names {found.group(1)}, which does not exist")
                elif json.loads(file.read_text()) != item.get("payload"):
                    problems.append(f"{where}: payload differs from {found.group(1)}")
            if name in known:
                problems += [f"{where}.payload{p[1:]}" for p in validate_payload(name, item.get("payload"), registry)]
    return problems


def cmd_openapi(report: Report) -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator
    files = sorted(OPENAPI_DIR.glob("*.yaml"))
    if not files:
        report.fail(str(OPENAPI_DIR), ["no OpenAPI documents"])
    for f in files:
        spec = yaml.safe_load(f.read_text())
        problems = []
        if not str(spec.get("openapi", "")).startswith("3.1"):
            problems.append("$.openapi: must be 3.1.x")
        try:
            validator = OpenAPIV31SpecValidator(spec, base_uri=f.resolve().as_uri())
            problems += [f"{json_path(getattr(e, 'absolute_path', []))}: {str(getattr(e, 'message', e))[:300]}"
                         for e in validator.iter_errors()]
        except Exception as e:  # resolution errors surface as exceptions
            problems.append(f"{type(e).__name__}: {str(e)[:300]}")
        problems += openapi_example_problems(f, spec)
        report.check(str(f.relative_to(REPO_ROOT)), problems)


def pointer_token(key) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def iter_media_examples(node, path=()):
    """(JSON pointer of the schema, example name, example value) of every media type object
    that has a schema and an example or examples."""
    if isinstance(node, dict):
        if "schema" in node and len(path) >= 1 and "/" in str(path[-1]):
            pointer = "/" + "/".join(pointer_token(k) for k in path + ("schema",))
            if "example" in node:
                yield pointer, "example", node["example"]
            for name, item in (node.get("examples") or {}).items():
                if isinstance(item, dict) and "value" in item:
                    yield pointer, name, item["value"]
        for k, v in node.items():
            yield from iter_media_examples(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from iter_media_examples(v, path + (i,))


def openapi_registry(document: Path, spec: dict) -> Registry:
    """The OpenAPI document and every payload schema, by file URI (how the document refers to
    them) and by $id (how the schemas refer to each other)."""
    resources = [(document.resolve().as_uri(), Resource.from_contents(spec, default_specification=DRAFT202012))]
    for path, schema in load_schemas().items():
        resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        resources += [(path.resolve().as_uri(), resource), (schema["$id"], resource)]
    return Registry().with_resources(resources)


def openapi_schema_validator(document: Path, spec: dict, pointer: str, registry: Registry | None = None):
    """A validator for the schema at `pointer` inside an OpenAPI document."""
    return Draft202012Validator({"$ref": f"{document.resolve().as_uri()}#{pointer}"},
                                registry=registry or openapi_registry(document, spec),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def openapi_example_problems(document: Path, spec: dict) -> list[str]:
    """Every example in the document validates against the schema beside it."""
    registry = openapi_registry(document, spec)
    problems = []
    for pointer, name, value in iter_media_examples(spec):
        validator = openapi_schema_validator(document, spec, pointer, registry)
        for e in validator.iter_errors(value):
            problems.append(f"{pointer} example {name} {json_path(e.absolute_path)}: {e.message[:200]}")
    return problems


def cmd_response(report: Report, spec_name: str, schema: str, files: list[Path]) -> None:
    document = OPENAPI_DIR / f"{spec_name}.yaml"
    spec = yaml.safe_load(document.read_text())
    if schema not in spec.get("components", {}).get("schemas", {}):
        report.check(str(document), [f"no components/schemas/{schema}"])
        return
    validator = openapi_schema_validator(document, spec, f"/components/schemas/{schema}")
    for path in files:
        try:
            body = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            report.check(str(path), [f"not JSON: {str(e)[:200]}"])
            continue
        report.check(str(path), [f"{json_path(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(body)])


POLICY_SCHEMA = CONTRACTS / "config" / "partner-policy.json"
POLICIES_DIR = CONTRACTS / "policies"


def cmd_policies(report: Report, directory: Path) -> None:
    schema = json.loads(POLICY_SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    registry = build_registry(load_schemas())
    validator = Draft202012Validator(schema, registry=registry)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        report.check(str(directory), ["no *.yaml policy in the directory"])
    for path in files:
        try:
            document = yaml.safe_load(path.read_text())
        except yaml.YAMLError as e:
            report.check(str(path), [f"not YAML: {str(e)[:200]}"])
            continue
        problems = [f"{json_path(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(document)]
        report.check(str(path), problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("asyncapi")
    sub.add_parser("openapi")
    sub.add_parser("schemas")
    ev = sub.add_parser("events")
    ev.add_argument("directory", type=Path)
    po = sub.add_parser("policies")
    po.add_argument("directory", type=Path, nargs="?", default=POLICIES_DIR)
    re_ = sub.add_parser("response")
    re_.add_argument("spec")
    re_.add_argument("schema")
    re_.add_argument("files", type=Path, nargs="+")
    sub.add_parser("all")
    args = parser.parse_args(argv)
    report = Report()
    if args.command in ("asyncapi", "all"):
        cmd_asyncapi(report)
    if args.command in ("openapi", "all"):
        cmd_openapi(report)
    if args.command in ("schemas", "all"):
        cmd_schemas(report)
    if args.command == "events":
        cmd_events(report, args.directory)
    if args.command == "policies":
        cmd_policies(report, args.directory)
    if args.command == "response":
        cmd_response(report, args.spec, args.schema, args.files)
    if args.command == "all":
        cmd_events(report, EXAMPLES_DIR)
        cmd_policies(report, POLICIES_DIR)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
