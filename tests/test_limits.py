"""Rate limits on the shared Redis: sign-ups per address, votes per account and per address; a JSON 429 with
Retry-After, counted across app instances, and lifted when the window ends."""

from __future__ import annotations

import time

import pytest

from anb import create_app
from config import TestingConfig
from tests.helpers import app_with_clean_limits, bearer


class Limited(TestingConfig):
    """Rate limits on, with short windows."""

    RATELIMIT_ENABLED = True
    SIGNUP_RATE_LIMIT = "2 per 2 seconds"
    VOTE_RATE_LIMIT = "1000 per minute"
    VOTE_ADDRESS_RATE_LIMIT = "2 per 2 seconds"


@pytest.fixture
def instances(app):
    """Two app instances (two API servers) on the one Redis, with limits on and a clean slate."""
    first, second = app_with_clean_limits(Limited), create_app(Limited)
    return first.test_client(), second.test_client()


def _signup_body(number: int) -> dict:
    return {"first_name": "Ana", "last_name": "Ruiz", "email": f"fan{number}@example.com",
            "password1": "s3cret-pass", "password2": "s3cret-pass", "city": "Cali", "country": "Colombia"}


def _signup(client, number: int, address: str):
    return client.post("/api/auth/signup", json=_signup_body(number), environ_base={"REMOTE_ADDR": address})


def _assert_429(response) -> float:
    assert response.status_code == 429
    body = response.get_json()
    assert (body["code"], body["status"]) == (429, "Too Many Requests") and body["message"]
    return float(response.headers["Retry-After"])


def test_signups_are_limited_per_address_across_instances_until_the_window_ends(instances):
    first, second = instances

    assert [_signup(first, n, "203.0.113.5").status_code for n in (1, 2)] == [201, 201]
    retry_after = _assert_429(_signup(second, 3, "203.0.113.5"))
    assert _signup(second, 4, "203.0.113.6").status_code == 201
    assert _signup(first, 5, "203.0.113.5").status_code == 429

    time.sleep(retry_after + 0.2)
    assert _signup(second, 7, "203.0.113.5").status_code == 201


def test_a_forwarded_for_header_does_not_reset_the_address(instances):
    first, _ = instances
    statuses = [first.post("/api/auth/signup", json=_signup_body(n),
                           headers={"X-Forwarded-For": f"10.0.0.{n}"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code for n in range(3)]
    assert statuses == [201, 201, 429]


def test_malformed_signups_do_not_use_up_the_limit_but_taken_emails_do(instances):
    first, _ = instances
    malformed = [first.post("/api/auth/signup", json={"email": "x"},
                            environ_base={"REMOTE_ADDR": "203.0.113.7"}) for _ in range(4)]
    assert {response.status_code for response in malformed} == {400}
    assert _signup(first, 1, "203.0.113.7").status_code == 201
    assert _signup(first, 1, "203.0.113.7").status_code == 400  # taken: counts, so guessing who is registered
    _assert_429(_signup(first, 2, "203.0.113.7"))


def test_votes_are_limited_per_address_across_accounts_and_instances(instances, user, make_user, make_video):
    first, second = instances
    videos = [make_video(user) for _ in range(3)]
    voters = [bearer(make_user()) for _ in range(4)]

    def vote(client, video, headers, address):
        return client.post(f"/api/public/videos/{video.id}/vote", headers=headers,
                           environ_base={"REMOTE_ADDR": address})

    assert vote(first, videos[0], voters[0], "198.51.100.1").status_code == 200
    assert vote(second, videos[0], voters[1], "198.51.100.1").status_code == 200
    retry_after = _assert_429(vote(first, videos[0], voters[2], "198.51.100.1"))
    assert vote(second, videos[0], voters[3], "198.51.100.2").status_code == 200

    time.sleep(retry_after + 0.2)
    assert vote(second, videos[1], voters[2], "198.51.100.1").status_code == 200
