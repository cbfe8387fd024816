"""What the Locust scenarios share: accounts (made up front or through the API), contract-checking of
responses, time-scaled load shapes and pass criteria that set the exit code."""

from __future__ import annotations

import itertools
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, events

from anb.cli.seeding import SEED_PASSWORD

PASSWORD = "load-test-pass-1"
CITIES = ("Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena")
#: The accounts ``flask seed accounts --out FILE`` made (one email a line; their password: SEED_PASSWORD).
ACCOUNTS_FILE = Path(os.environ.get("LOAD_ACCOUNTS", "var/load/accounts.txt"))
#: Every plan's durations are multiplied by this (and spawn rates divided): shorter runs, same shapes.
TIME_SCALE = float(os.environ.get("LOAD_TIME_SCALE", "1"))

log = logging.getLogger(__name__)


def new_account(client, city: str = "Bogotá") -> str:
    """Sign up a fresh player through the API and return its email."""
    email = f"load-{uuid.uuid4().hex[:16]}@example.com"
    body = {"first_name": "Carga", "last_name": "Prueba", "email": email, "password1": PASSWORD,
            "password2": PASSWORD, "city": city, "country": "Colombia"}
    with client.post("/api/auth/signup", json=body, name="/api/auth/signup", catch_response=True) as response:
        if response.status_code != 201 or response.json().get("user", {}).get("email") != email:
            response.failure(f"signup answered {response.status_code}")
    return email


def log_in(client, email: str, password: str = PASSWORD) -> str | None:
    """Log in through the API; the access token, or None (and a recorded failure)."""
    with client.post("/api/auth/login", json={"email": email, "password": password}, name="/api/auth/login",
                     catch_response=True) as response:
        if response.status_code != 200 or response.json().get("token_type") != "Bearer":
            response.failure(f"login answered {response.status_code}")
            return None
        return response.json()["access_token"]


def _accounts() -> Iterator[str]:
    emails = ACCOUNTS_FILE.read_text().split() if ACCOUNTS_FILE.exists() else []
    if not emails:
        raise SystemExit(f"No load accounts in {ACCOUNTS_FILE}: run `flask seed accounts --out FILE` "
                         "(scripts/bench_capacity does) and set LOAD_ACCOUNTS=FILE.")
    return itertools.cycle(emails)


_next_account: Iterator[str] | None = None


def seeded_account() -> tuple[str, str]:
    """The next prepared account (email, password), round-robin over the file."""
    global _next_account
    if _next_account is None:
        _next_account = _accounts()
    return next(_next_account), SEED_PASSWORD


class ApiUser(FastHttpUser):
    """A client of the API behind Nginx; subclasses add the tasks."""

    abstract = True
    host = "http://127.0.0.1:8080"


class RampShape(LoadTestShape):
    """``start`` users at once, then a straight line to ``peak`` over ``ramp`` seconds, held until
    ``total`` seconds; times scaled by LOAD_TIME_SCALE."""

    abstract = True
    start: int = 0
    peak: int
    ramp: float
    total: float

    def tick(self) -> tuple[int, float] | None:
        elapsed, ramp = self.get_run_time(), self.ramp * TIME_SCALE
        if elapsed >= self.total * TIME_SCALE:
            return None
        users = self.peak if elapsed >= ramp else self.start + (self.peak - self.start) * elapsed / ramp
        rate = max(1.0, (self.peak - self.start) / ramp) if ramp else float(self.peak)
        return round(users), rate


def require(max_p95_ms: float, max_failure_ratio: float) -> None:
    """At the end of the run, exit non-zero unless p95 and the failure ratio (all requests) are within
    these bounds."""

    @events.quitting.add_listener
    def _check(environment, **_kwargs) -> None:
        total = environment.stats.total
        p95 = total.get_response_time_percentile(0.95) or 0
        passed = total.num_requests > 0 and p95 <= max_p95_ms and total.fail_ratio <= max_failure_ratio
        log.info("pass criteria (p95 <= %s ms, failures <= %.1f %%): p95 %s ms, failures %.2f %% of %d: %s",
                 max_p95_ms, max_failure_ratio * 100, p95, total.fail_ratio * 100, total.num_requests,
                 "PASS" if passed else "FAIL")
        if not passed:
            environment.process_exit_code = 1
