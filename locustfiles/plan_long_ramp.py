"""Plan "long ramp": fans of the web mix from 5 to 150 over 17 minutes, in a straight line. Passes with
p95 ≤ 1 s and at most 5 % errors (the point where p95 first crosses 1 s is read off the CSV history)."""

from locustfiles.common import RampShape, require
from locustfiles.web import WebFan

__all__ = ["LongRamp", "WebFan"]


class LongRamp(RampShape):
    start, peak, ramp, total = 5, 150, 17 * 60, 17 * 60


require(max_p95_ms=1000, max_failure_ratio=0.05)
