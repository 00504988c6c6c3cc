"""The retention schedule (Contracts/retention/retention.yaml) is the one source of each
topic's period: AsyncAPI's Kafka bindings state the same retention.ms, every topic and every
service store has a period, and the reasoning document names each of them."""
from pathlib import Path

import yaml

CONTRACTS = Path(__file__).resolve().parents[2] / "Contracts"
SCHEDULE = yaml.safe_load((CONTRACTS / "retention" / "retention.yaml").read_text())
ASYNCAPI = yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text())
REASONS = (CONTRACTS / "retention" / "README.md").read_text()


def milliseconds(period: str) -> int:
    count, unit = int(period[1:-1]), period[-1]
    return count * {"D": 1, "M": 30, "Y": 365}[unit] * 86_400_000


def test_every_channel_states_the_schedules_retention():
    seen = set()
    for name, channel in ASYNCAPI["channels"].items():
        kafka = channel["bindings"]["kafka"]
        topic = kafka.get("topic", "partner-tasks" if "{partnerId}" in channel["address"] else channel["address"])
        stated = kafka["topicConfiguration"]["retention.ms"]
        assert stated == milliseconds(SCHEDULE["topics"][topic]["retention"]), name
        seen.add(topic)
    assert seen == set(SCHEDULE["topics"]), "a topic of the schedule has no channel, or the reverse"


def test_every_period_is_reasoned():
    for topic in SCHEDULE["topics"]:
        period = SCHEDULE["topics"][topic]["retention"]
        assert period.startswith("P") and period[-1] in "DMY"
    for service, stores in SCHEDULE["stores"].items():
        assert f"**{service.capitalize()}, " in REASONS, f"README.md gives no reason for {service}'s stores"
        for store, entry in stores.items():
            assert set(entry) == {"retention", "after", "enforced"}, (service, store)


def test_handled_ids_outlive_the_topics_a_service_reads():
    topic_days = {t: milliseconds(e["retention"]) for t, e in SCHEDULE["topics"].items()}
    for service in ("filter", "planning"):
        kept = milliseconds(SCHEDULE["stores"][service]["processed-events"]["retention"])
        for topic in ("nazorg.intake.notices.v1", "nazorg.consent.events.v1", "nazorg.planning.case-events.v1"):
            assert kept > topic_days[topic], (service, topic)
