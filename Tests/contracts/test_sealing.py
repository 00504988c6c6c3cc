"""The sealed channels and members the AsyncAPI document names are the ones the code seals
(Sources/NazorgRuntime/Sealing/SubjectSealing.swift), and every personal member a schema
defines on those channels is among them."""
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI = yaml.safe_load((ROOT / "Contracts" / "asyncapi.yaml").read_text())
SWIFT = (ROOT / "Sources" / "NazorgRuntime" / "Sealing" / "SubjectSealing.swift").read_text()
SCHEMAS = ROOT / "Contracts" / "schemas"


def sealed_members():
    found = re.search(r"sealedMembers: Set<String> = \[([^\]]*)\]", SWIFT)
    assert found, "SubjectSealing.sealedMembers not found"
    return set(re.findall(r'"([A-Za-z]+)"', found.group(1)))


def test_the_sealed_channels_are_the_ones_the_code_seals():
    sealed = {channel["address"] for channel in ASYNCAPI["channels"].values() if channel.get("x-sealed")}
    assert sealed == {"nazorg.intake.notices.v1", "nazorg.planning.case-events.v1", "partner.{partnerId}.tasks.v1"}
    assert 'topic == Topics.intakeNotices || topic == Topics.planningCaseEvents || partnerScope(topic) != nil' in SWIFT


def test_the_document_names_every_sealed_member():
    description = ASYNCAPI["components"]["schemas"]["SealedMembers"]["description"]
    for member in sealed_members():
        assert member in description, member


def test_no_personal_member_of_a_sealed_channel_escapes_sealing():
    # Members that identify or describe a person, wherever a schema of a sealed channel defines them.
    personal = {"person", "subject", "details", "remark", "bsn", "givenName", "surname", "birthDate"}
    sealed_channels = [c for c in ASYNCAPI["channels"].values() if c.get("x-sealed")]
    files = set()
    for channel in sealed_channels:
        for message in channel["messages"].values():
            name = message["$ref"].rsplit("/", 1)[1]
            files.add(ASYNCAPI["components"]["messages"][name]["payload"]["schema"]["$ref"].rsplit("/", 1)[1])
    members = sealed_members()
    for file in sorted(files):
        schema = json.loads((SCHEMAS / file).read_text())

        def walk(node, inside_sealed):
            if isinstance(node, dict):
                for key, value in (node.get("properties") or {}).items():
                    covered = inside_sealed or key in members
                    assert key not in personal or covered, f"{file}: {key} is not sealed"
                    walk(value, covered)
                for key, value in node.items():
                    if key != "properties":
                        walk(value, inside_sealed)
            elif isinstance(node, list):
                for item in node:
                    walk(item, inside_sealed)

        walk(schema, False)
