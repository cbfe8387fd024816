"""Capacity of POST /api/auth/login through Nginx: each login costs one argon2id verification."""

from locust import constant_pacing, task

from locustfiles.common import ApiUser, log_in, new_account


class ReturningPlayer(ApiUser):
    """A player who signed up once and logs in every 6 s: the most the per-account limit (10/min) allows."""

    wait_time = constant_pacing(6)

    def on_start(self) -> None:
        """Create this simulated player's account."""
        self.email = new_account(self.client)

    @task
    def login(self) -> None:
        """Log in; the token must come back."""
        log_in(self.client, self.email)
