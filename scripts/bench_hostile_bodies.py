"""What a hostile body costs the API: the figures behind issue 9's classes 3 and 8.

Usage: .venv/bin/python scripts/bench_hostile_bodies.py [--runs N]

Times, with the production argon2id parameters (config.Config): hashing a 20 MB password (what a login
with one cost before passwords were bounded), and the app's answer, through the Flask test client, to a
login with a 20 MB password, a login with a 1000-character password (under the body limit, over the
password limit), and a 5 MB signup body (bodies encoded once, outside the timing). With the limits in
place none of these answers touches MariaDB or Redis; on older code the logins look the email up in the
database named by DATABASE_URL (point it at a test database).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402

from anb import create_app  # noqa: E402
from config import Config, DevelopmentConfig  # noqa: E402

SIGNUP = {"first_name": "Ana", "last_name": "Pérez", "email": "ana@example.com", "password1": "s3cret-pass",
          "password2": "s3cret-pass", "city": "Bogotá", "country": "Colombia"}


class Bench(DevelopmentConfig):
    """Production's hashing cost and body limits; no rate limits (no Redis needed)."""

    RATELIMIT_ENABLED = False


def timed(action, runs: int) -> tuple[float, object]:
    """Median seconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def poster(client, path: str, data: bytes):
    """A call that posts the already encoded JSON ``data`` to ``path``."""
    return lambda: client.post(path, data=data, content_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Repetitions per case (the median is shown).")
    args = parser.parse_args()

    hasher = PasswordHasher(time_cost=Config.ARGON2_TIME_COST, memory_cost=Config.ARGON2_MEMORY_COST_KIB,
                            parallelism=Config.ARGON2_PARALLELISM)
    huge = "x" * (20 * 1024 * 1024)
    seconds, _ = timed(lambda: hasher.hash(huge), max(1, args.runs // 2))
    print(f"argon2id hash of a 20 MB password (the old login's cost): {seconds * 1000:.0f} ms")
    seconds, _ = timed(lambda: hasher.hash("x" * 128), args.runs)
    print(f"argon2id hash of a 128-character password (the longest accepted): {seconds * 1000:.0f} ms")

    client = create_app(Bench).test_client()
    bodies = {
        "login, 20 MB password": ("/api/auth/login", {"email": "a@example.com", "password": huge}),
        "login, 1000-character password": ("/api/auth/login",
                                           {"email": "a@example.com", "password": "x" * 1000}),
        "signup, 5 MB body": ("/api/auth/signup", {**SIGNUP, "city": "x" * (5 * 1024 * 1024)}),
    }
    cases = {name: poster(client, path, json.dumps(body).encode()) for name, (path, body) in bodies.items()}
    for name, action in cases.items():
        seconds, response = timed(action, args.runs)
        print(f"{name}: {response.status_code} in {seconds * 1000:.1f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
