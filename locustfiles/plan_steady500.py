"""Plan "steady 500": fans of the web mix added at 5 a second up to 500, then held 3 minutes (scaled by
LOAD_TIME_SCALE). The statistics restart when the 500th fan is in, so the pass criteria judge the hold
only: no failure at all and p95 ≤ 150 ms (the issue's target), else exit code 1."""

from locustfiles.common import TIME_SCALE, RampShape, require
from locustfiles.web import WebFan

__all__ = ["Steady500", "WebFan"]


class Steady500(RampShape):
    start, peak, ramp, total = 0, 500, 100, 100 + 180
    held = False

    def tick(self) -> tuple[int, float] | None:
        if not Steady500.held and self.get_run_time() >= self.ramp * TIME_SCALE:
            Steady500.held = True
            self.runner.stats.reset_all()  # judge the 500 held, not the ramp
        return super().tick()


require(max_p95_ms=150, max_failure_ratio=0.0)
