"""Capacity of GET /api/health through Nginx (its MariaDB, RabbitMQ and Redis checks are reused for
HEALTH_CACHE_SECONDS per API process)."""

from locust import task

from locustfiles.common import ApiUser


class HealthChecker(ApiUser):
    """A monitoring probe hammering the health endpoint."""

    @task
    def health(self) -> None:
        """GET /api/health must be 200 with everything ok."""
        with self.client.get("/api/health", catch_response=True) as response:
            if response.status_code != 200 or response.json().get("status") != "ok":
                response.failure(f"health answered {response.status_code}")
