"""Capacity of POST /api/auth/login through Nginx: each login costs one argon2id verification."""

import random
import time

from locust import constant_pacing, task

from locustfiles.common import ApiUser, log_in, new_account


class ReturningPlayer(ApiUser):
    """A player who signed up once and logs in every 7 s, just under the per-account limit (10/min)."""

    wait_time = constant_pacing(7)

    def on_start(self) -> None:
        """Create this simulated player's account, then start at a random point of the 7 s cycle."""
        self.email = new_account(self.client)
        time.sleep(random.uniform(0, 7))  # gevent-patched: spreads the players instead of a thundering herd

    @task
    def login(self) -> None:
        """Log in; the token must come back."""
        log_in(self.client, self.email)
