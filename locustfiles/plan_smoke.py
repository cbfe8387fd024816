"""Plan "smoke": 5 fans of the web mix for 1 minute; passes with no failure and p95 ≤ 1 s."""

from locustfiles.common import RampShape, require
from locustfiles.web import WebFan

__all__ = ["Smoke", "WebFan"]


class Smoke(RampShape):
    start, peak, ramp, total = 5, 5, 0, 60


require(max_p95_ms=1000, max_failure_ratio=0.0)
