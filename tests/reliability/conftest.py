"""What the fault tests share: the figures they measure, written where docs/reliability.md takes them from."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FIGURES = Path(__file__).resolve().parents[2] / "var" / "reliability-figures.json"


@pytest.fixture(scope="session")
def figures() -> Iterator[dict]:
    """Measured figures (recovery times, counts) by name, saved to var/reliability-figures.json at the end."""
    measured: dict = {}
    yield measured
    if measured:
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
        FIGURES.write_text(json.dumps({**previous, **measured, "measured_at": time.strftime("%F %T")},
                                      indent=2, sort_keys=True))
