#!/usr/bin/env python3
"""How fast supervisord brings back each process of the running system after a SIGKILL (an OOM kill).

Needs the stack of scripts/up. For each program: SIGKILL its process, then time until supervisord reports
it RUNNING again under a new pid, and, for gunicorn, until GET /api/health through Nginx answers 200.
Bounded: 60 s per program at most. Only ever targets 127.0.0.1.

    .venv/bin/python scripts/bench_restarts.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ["gunicorn", "workers:worker-trim", "workers:worker-transform", "workers:worker-brand",
            "workers:worker-finalize", "beat", "flower", "redis"]


def environment() -> dict[str, str]:
    """The variables supervisorctl's config needs (.env, ANB_ROOT, ANB_VAR)."""
    env = {**os.environ, "ANB_ROOT": str(ROOT), "ANB_VAR": str(ROOT / "var")}
    for line in (ROOT / ".env").read_text().splitlines():
        key, _, value = line.partition("=")
        if key and not key.startswith("#"):
            env.setdefault(key, value)
    return env


def pid_of(program: str, env: dict[str, str]) -> int | None:
    out = subprocess.run([ROOT / ".venv/bin/supervisorctl", "-c", ROOT / "config/supervisord.conf", "status",
                          program], capture_output=True, text=True, env=env).stdout.split()
    return int(out[3].rstrip(",")) if len(out) > 3 and out[1] == "RUNNING" else None


def health_ok(port: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> None:
    env = environment()
    print("| program | back RUNNING (new pid) | API healthy again |\n|---|---|---|")
    for program in PROGRAMS:
        old = pid_of(program, env)
        if old is None:
            print(f"| {program} | not running | |")
            continue
        os.kill(old, signal.SIGKILL)
        killed = time.monotonic()
        back = None
        healthy = None if program == "gunicorn" else 0.0
        while time.monotonic() - killed < 60 and (back is None or healthy is None):
            new = pid_of(program, env)
            if back is None and new not in (None, old):
                back = time.monotonic() - killed
            if healthy is None and back is not None and health_ok(env["API_PORT"]):
                healthy = time.monotonic() - killed
            time.sleep(0.1)
        print(f"| {program} | {back:.1f} s |" if back is not None else f"| {program} | > 60 s |",
              f"{healthy:.1f} s |" if program == "gunicorn" and healthy is not None else " |")


if __name__ == "__main__":
    main()
