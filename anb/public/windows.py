"""Voting windows: when votes count. Configured per phase in ``VOTING_WINDOWS`` (JSON), each instant with
an explicit time zone; the default is one window that is always open, so a deployment that sets nothing
votes as before.

``VOTING_WINDOWS='[{"phase": "clasificatoria", "opens": "2026-11-01T00:00:00-05:00",
"closes": "2026-11-30T23:59:59-05:00"}]'`` (``opens``/``closes`` may be null: unbounded on that side).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from anb.models import now_utc

#: The window of a deployment that configures none.
ALWAYS_OPEN_PHASE = "competencia"


@dataclass(frozen=True)
class Window:
    """One phase's voting period; a missing bound is open-ended on that side."""

    phase: str
    opens: datetime | None = None
    closes: datetime | None = None

    def contains(self, instant: datetime) -> bool:
        """Whether a vote cast at ``instant`` counts (the close instant itself is already closed)."""
        opened = self.opens is None or self.opens <= instant
        return opened and (self.closes is None or instant < self.closes)


def parse_windows(raw: str | None) -> tuple[Window, ...]:
    """The windows described by the JSON setting; ValueError (naming the fault) for a bad one."""
    if not raw or not raw.strip():
        return (Window(ALWAYS_OPEN_PHASE),)
    entries = json.loads(raw)
    if not isinstance(entries, list) or not entries:
        raise ValueError("VOTING_WINDOWS must be a non-empty JSON list of windows")
    windows = tuple(_window(entry) for entry in entries)
    for window in windows:
        if window.opens and window.closes and window.closes <= window.opens:
            raise ValueError(f"VOTING_WINDOWS: phase {window.phase!r} closes before it opens")
    return windows


def _window(entry: object) -> Window:
    if not isinstance(entry, dict) or not isinstance(entry.get("phase"), str) or not entry["phase"].strip():
        raise ValueError("VOTING_WINDOWS: each window needs a 'phase' name")
    return Window(entry["phase"].strip(), _instant(entry, "opens"), _instant(entry, "closes"))


def _instant(entry: dict, bound: str) -> datetime | None:
    value = entry.get(bound)
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"VOTING_WINDOWS: {bound} of phase {entry['phase']!r} needs an explicit time zone")
    return instant


def configured_windows() -> tuple[Window, ...]:
    """The current app's windows (parsed when the app was made, so a bad setting stops the start)."""
    return current_app.extensions["voting_windows"]


def voting_open(windows: tuple[Window, ...], instant: datetime | None = None) -> bool:
    """Whether some window is open at ``instant`` (now by default)."""
    instant = instant or now_utc()
    return any(window.contains(instant) for window in windows)


def voting_over(windows: tuple[Window, ...], instant: datetime | None = None) -> bool:
    """Whether the last window has closed, so the ranking is final (never, with an open-ended window)."""
    instant = instant or now_utc()
    return all(window.closes is not None and window.closes <= instant for window in windows)
