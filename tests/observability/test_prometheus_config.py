"""The Prometheus configuration and rules load in promtool, every alert fires on its made-up series
(config/prometheus/tests), and the rules only name series the code exports."""

from __future__ import annotations

import re
import subprocess

from prometheus_client import REGISTRY

from config import ROOT

RULES = sorted((ROOT / "config" / "prometheus" / "rules").glob("*.yml"))


def test_promtool_accepts_the_config_and_the_rules_and_their_unit_tests():
    result = subprocess.run(["bash", "-c", "source scripts/lib.sh && source scripts/monitoring.sh && "
                             "check_prometheus_rules"], cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") >= 4


def test_rules_name_only_series_the_code_exports():
    import anb.observability.metrics  # noqa: F401  (registers the series)

    exported = {sample.name for family in REGISTRY.collect() for sample in family.samples
                if sample.name.startswith("anb_")}
    exported |= {family.name + suffix for family in REGISTRY.collect() if family.name.startswith("anb_")
                 for suffix in ("", "_total", "_bucket", "_count", "_sum")}
    expressions = [re.sub(r'"[^"]*"', "", expr) for path in RULES  # label values are not series
                   for expr in re.findall(r"expr: (.*(?:\n {10,}.*)*)", path.read_text())]
    used = {name for expr in expressions for name in re.findall(r"\banb_[a-z_]+", expr)}

    assert used and used <= exported, used - exported
