"""Load-test the running system (./scripts/up) through Nginx with Locust and print requests/s and latencies.

Usage: .venv/bin/python scripts/bench_http.py [health|login|voting ...] [--users N] [--seconds S]
Only ever targets 127.0.0.1:8080. Each scenario runs headless for a bounded time and stops by itself.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "http://127.0.0.1:8080"
#: scenario -> (locustfile, simulated users)
SCENARIOS = {"health": ("locustfiles/health.py", 40), "login": ("locustfiles/login.py", 600),
             "voting": ("locustfiles/voting.py", 100)}


def run_locust(locustfile: str, users: int, seconds: int, csv_prefix: Path) -> None:
    """One headless Locust run, all users started at once (ramp 100/s)."""
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / locustfile), "--headless", "--host", HOST,
               "-u", str(users), "-r", "100", "-t", f"{seconds}s", "--only-summary", "--csv", str(csv_prefix)]
    subprocess.run(command, check=False, cwd=ROOT, capture_output=True)


def summary_rows(csv_prefix: Path) -> list[dict[str, str]]:
    """Locust's per-endpoint statistics."""
    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def failure_lines(csv_prefix: Path) -> list[str]:
    """Why requests failed, as Locust recorded it (e.g. "POST /api/auth/login: login answered 429 x 3")."""
    with open(f"{csv_prefix}_failures.csv", newline="") as failures:
        return [f"{row['Method']} {row['Name']}: {row['Error']} x {row['Occurrences']}"
                for row in csv.DictReader(failures)]


def report(scenario: str, users: int, rows: list[dict[str, str]]) -> None:
    """One Markdown table row per endpoint."""
    for row in rows:
        print(f"| {scenario} | {users} | {row['Type']} {row['Name']} | {row['Request Count']} | "
              f"{row['Failure Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
              f"{row['99%']} |")


def main() -> None:
    """Run the chosen scenarios and print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["health", "login"], choices=sorted(SCENARIOS))
    parser.add_argument("--users", type=int, help="simulated users (default: per scenario)")
    parser.add_argument("--seconds", type=int, default=30, help="length of each run")
    args = parser.parse_args()
    print("| scenario | users | request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    failures: list[str] = []
    for scenario in args.scenarios:
        locustfile, default_users = SCENARIOS[scenario]
        users = args.users or default_users
        with tempfile.TemporaryDirectory() as folder:
            prefix = Path(folder) / scenario
            run_locust(locustfile, users, args.seconds, prefix)
            report(scenario, users, summary_rows(prefix))
            failures.extend(failure_lines(prefix))
    for line in failures:
        print(f"failures: {line}")


if __name__ == "__main__":
    main()
