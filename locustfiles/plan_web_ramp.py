"""Plan "web ramp": fans of the web mix added at 0.55 a second up to 100, held; 8 minutes in all. Passes
with p95 ≤ 1 s and at most 5 % errors."""

from locustfiles.common import RampShape, require
from locustfiles.web import WebFan

__all__ = ["WebFan", "WebRamp"]


class WebRamp(RampShape):
    start, peak, ramp, total = 0, 100, 100 / 0.55, 8 * 60


require(max_p95_ms=1000, max_failure_ratio=0.05)
