"""Plan "knee": fans of the web mix from 10 to 2,000 over 10 minutes, stopped at the knee — the first
moment the p95 of the last 10 s exceeds 1 s or more than 1 % of requests have failed. It passes if the
knee is not reached before 500 users (the issue's target is 500 users at p95 ≤ 150 ms); the user count at
the knee is logged and read off the CSV history by scripts/bench_capacity.py."""

import logging

from locust import events

from locustfiles.common import TIME_SCALE, RampShape
from locustfiles.web import WebFan

__all__ = ["Knee", "WebFan"]

KNEE_P95_MS = 1000
KNEE_FAILURES = 0.01
MIN_USERS = 500
log = logging.getLogger(__name__)


class Knee(RampShape):
    start, peak, ramp, total = 10, 2000, 10 * 60, 10 * 60
    knee_users: int | None = None

    def tick(self) -> tuple[int, float] | None:
        stats = self.runner.stats.total
        p95 = stats.get_current_response_time_percentile(0.95) or 0
        warmed = self.get_run_time() > 30 * TIME_SCALE
        if warmed and (p95 > KNEE_P95_MS or stats.fail_ratio > KNEE_FAILURES):
            Knee.knee_users = self.runner.user_count
            log.info("knee at %d users: p95 (last 10 s) %s ms, failures %.2f %%", self.runner.user_count, p95,
                     stats.fail_ratio * 100)
            return None
        return super().tick()


@events.quitting.add_listener
def _check(environment, **_kwargs) -> None:
    if Knee.knee_users is not None and Knee.knee_users < MIN_USERS:
        environment.process_exit_code = 1
