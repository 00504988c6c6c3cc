"""Alert rules and the Grafana dashboard name only metrics the hub exports.

deploy/prometheus/metrics.txt lists the exported families; a Swift test keeps it equal to the
code's MetricCatalogue, and this test keeps every alert expression and dashboard query within
it (names, and the label names in their matchers), so a renamed metric cannot leave a rule
that silently never fires. Run: python3 -m pytest Tests/contracts -q
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NAMES_FILE = ROOT / "deploy/prometheus/metrics.txt"
ALERTS = ROOT / "deploy/prometheus/alerts.yaml"
DASHBOARD = ROOT / "deploy/grafana/nazorg-hub.json"

# Series Prometheus itself adds at scrape time, and the labels it attaches to every series.
BUILTIN_SERIES = {"up": {"job", "instance"}}
SCRAPE_LABELS = {"job", "instance"}
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
                "offset", "bool", "inf", "nan"}
IDENTIFIER = r"[a-zA-Z_:][a-zA-Z0-9_:]*"


def families() -> dict[str, tuple[str, set[str]]]:
    """Family name -> (kind, label names), from the names file."""
    result = {}
    for line in NAMES_FILE.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, labels = line.split()
        result[name] = (kind, set() if labels == "-" else set(labels.split(",")))
    return result


def series_names() -> dict[str, set[str]]:
    """Every name a query may select -> the label names its series carry."""
    names = {name: set(labels) for name, labels in BUILTIN_SERIES.items()}
    for name, (kind, labels) in families().items():
        names[name] = labels | SCRAPE_LABELS
        if kind == "histogram":
            names[f"{name}_bucket"] = labels | SCRAPE_LABELS | {"le"}
            names[f"{name}_sum"] = labels | SCRAPE_LABELS
            names[f"{name}_count"] = labels | SCRAPE_LABELS
    return names


def check_expression(expr: str) -> list[str]:
    """Problems with one PromQL expression: unknown series, or matchers on labels a series lacks."""
    known = series_names()
    all_labels = set().union(*known.values())
    problems = []
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    # label_values(metric, label) in Grafana variables.
    for metric, label in re.findall(rf"label_values\(\s*({IDENTIFIER})\s*,\s*({IDENTIFIER})\s*\)", text):
        if metric not in known:
            problems.append(f"unknown metric {metric}")
        elif label not in known[metric]:
            problems.append(f"{metric} has no label {label}")
    text = re.sub(rf"label_values\(\s*{IDENTIFIER}\s*,\s*{IDENTIFIER}\s*\)", "", text)
    for metric, matchers in re.findall(rf"({IDENTIFIER})\s*\{{([^}}]*)\}}", text):
        for label in re.findall(rf"({IDENTIFIER})\s*(?:=~|!~|!=|=)", matchers):
            if metric in known and label not in known[metric]:
                problems.append(f"{metric} has no label {label}")
    text = re.sub(r"\{[^}]*\}", " ", text)
    for clause in re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", text):
        for label in re.findall(IDENTIFIER, clause):
            if label not in all_labels:
                problems.append(f"no metric has the label {label}")
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    for match in re.finditer(IDENTIFIER, text):
        token = match.group(0)
        follows = text[match.end():].lstrip()
        if follows.startswith("(") or token.lower() in PROMQL_WORDS or re.fullmatch(r"[0-9.eE]+", token):
            continue  # a function call, a keyword or a number
        if token not in known:
            problems.append(f"unknown metric {token}")
    return problems


def alert_rules() -> list[dict]:
    document = yaml.safe_load(ALERTS.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_queries() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    queries = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queries.append((panel["title"], target["expr"]))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable["query"]
            queries.append((f"variable {variable['name']}", query["query"] if isinstance(query, dict) else query))
    return queries


def test_the_names_file_names_metrics_the_sources_declare():
    literals = set()
    for source in (ROOT / "Sources").rglob("*.swift"):
        literals |= {literal.replace(".", "_") for literal in re.findall(r'"(nazorg\.[a-z0-9_.]+)"', source.read_text())}
    missing = sorted(set(families()) - literals)
    assert not missing, f"in metrics.txt but not declared in Sources/: {missing}"


def test_alert_file_is_a_valid_rule_file():
    document = yaml.safe_load(ALERTS.read_text())
    assert isinstance(document["groups"], list) and document["groups"]
    for group in document["groups"]:
        assert group["name"] and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert rule["alert"] and rule["expr"]
            assert rule["labels"]["severity"] in {"critical", "warning", "info"}
            assert rule["annotations"]["summary"]


def test_the_alerts_an_operator_expects_are_there():
    names = {rule["alert"] for rule in alert_rules()}
    expected = {"NazorgConsumerLagGrowing", "NazorgDeadLetters", "NazorgTasksOverdue", "NazorgDisclosureLogWriteFailures",
                "NazorgServiceDown"}
    assert expected <= names, expected - names


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule["alert"])
def test_every_alert_expression_uses_only_exported_metrics(rule):
    assert check_expression(rule["expr"]) == []


def test_dashboard_is_valid_grafana_json():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["title"] and dashboard["uid"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert any(panel.get("targets") for panel in dashboard["panels"])
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            assert target["expr"] and target["refId"]


@pytest.mark.parametrize("title,expr", dashboard_queries(), ids=lambda value: value if len(value) < 60 else value[:60])
def test_every_dashboard_query_uses_only_exported_metrics(title, expr):
    assert check_expression(expr) == [], title


def test_the_checker_catches_a_renamed_metric_and_a_wrong_label():
    assert check_expression("sum(rate(nazorg_http_requests[5m]))") == []
    assert check_expression("sum(rate(nazorg_http_request_total[5m]))") == ["unknown metric nazorg_http_request_total"]
    assert check_expression('nazorg_kafka_consumer_lag{subject="x"}') == ["nazorg_kafka_consumer_lag has no label subject"]
    assert check_expression("sum by (task_id) (nazorg_records_consumed)") == ["no metric has the label task_id"]
    assert check_expression("histogram_quantile(0.9, sum by (le) (rate(nazorg_processing_duration_bucket[5m])))") == []
