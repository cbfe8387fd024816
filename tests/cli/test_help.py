"""Every admin command answers --help with its purpose, in English."""

from __future__ import annotations

import pytest

COMMANDS = [("votes", "void"), ("votes", "suspicious"), ("users", "ban"), ("users", "unban"),
            ("users", "list"), ("jury", "add"), ("jury", "remove"), ("jury", "list"),
            ("ranking", "finalists"), ("videos", "takedown"), ("videos", "stats"), ("media", "gc"),
            ("catalogue", "check"), ("catalogue", "reindex")]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help(runner, command):
    result = runner.invoke(args=[*command, "--help"])

    assert result.exit_code == 0
    assert result.output.startswith("Usage: ") and "--help" in result.output
    summary = result.output.split("\n\n")[1].strip()
    assert summary and summary.isascii()
