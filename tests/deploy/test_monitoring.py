"""deploy/monitoring: the alert rules pass promtool (syntax and their unit tests), and every
metric the rules and the Grafana dashboard use is one the service exports."""

from __future__ import annotations

import json
import re

import yaml

from bot.observability.metrics import REGISTRY
from tests.deploy.tools import DEPLOY, run, tool

MONITORING = DEPLOY / "monitoring"
NAME = re.compile(r"\b(studybot_[a-z_]+)")
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_info", "_created")


def exported() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
    return names


def _family(sample: str) -> str:
    """The metric family a sample name belongs to (labelled metrics have no samples until used)."""
    for suffix in SUFFIXES:
        if sample.endswith(suffix):
            return sample.removesuffix(suffix)
    return sample


def used_in_rules() -> set[str]:
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text(encoding="utf-8"))
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    return {name for expr in exprs for name in NAME.findall(expr)}


def used_in_dashboard() -> set[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    return {name for expr in exprs for name in NAME.findall(expr)}


def test_alert_rules_pass_promtool() -> None:
    promtool = tool("promtool")
    checked = run(promtool, "check", "rules", str(MONITORING / "alerts.yaml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run(promtool, "test", "rules", "alerts.test.yaml", cwd=MONITORING)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_unit_test() -> None:
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text(encoding="utf-8"))
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    tests = yaml.safe_load((MONITORING / "alerts.test.yaml").read_text(encoding="utf-8"))
    tested = {
        case["alertname"]
        for test in tests["tests"]
        for case in test["alert_rule_test"]
        if case["exp_alerts"]
    }
    assert alerts == tested


def test_rules_and_dashboard_use_only_exported_metrics(core: object) -> None:
    from bot.observability.metrics import watch
    from bot.service.context import Core

    assert isinstance(core, Core)
    watch(core)  # the scrape-time metrics exist once a core is watched
    names = exported()
    for used in (used_in_rules(), used_in_dashboard()):
        assert used  # the expressions were read
        missing = {n for n in used if n not in names and _family(n) not in names}
        assert missing == set()
