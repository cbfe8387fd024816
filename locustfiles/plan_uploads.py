"""Plan "uploads": 2 players uploading a 50 MB video without pause for 3 minutes, while 10 anonymous
readers read the catalogue and the rankings (their latency shows whether uploads hold reads up).

Settings (environment): LOAD_UPLOADERS (2), LOAD_READERS (10), LOAD_UPLOADS_EACH (0: until the end; with
N > 0 the plan ends once every uploader has sent N), LOAD_UPLOAD_FILE, LOAD_TIME_SCALE. With LOAD_API_PID
(gunicorn's master) the API's RSS (master and workers; their ffprobe/ffmpeg children apart) is sampled
once a second into LOAD_RSS_CSV. With LOAD_SUMMARY the
figures below are also written there as JSON (scripts/bench_uploads.py reads them).

Passes (exit code 0) with no failed request (an upload counts only as 201 with the contract's body), the
reads' p95 ≤ LOAD_MAX_READ_P95_MS (1000) and, when sampled, the API's RSS never more than
LOAD_MAX_RSS_GROWTH_MB (64) above its value at the start.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import gevent
from locust import LoadTestShape, events
from locust.stats import StatsEntry

from locustfiles.common import TIME_SCALE
from locustfiles.memory import RssSampler
from locustfiles.uploads import UPLOADS_EACH, Reader, Uploader

__all__ = ["Reader", "Uploader", "Uploads"]

READERS = int(os.environ.get("LOAD_READERS", "10"))
SECONDS = 3 * 60
API_PID = int(os.environ.get("LOAD_API_PID", "0"))
RSS_CSV = Path(os.environ.get("LOAD_RSS_CSV", "var/load/api-rss.csv"))
MAX_RSS_GROWTH_MB = float(os.environ.get("LOAD_MAX_RSS_GROWTH_MB", "64"))
MAX_READ_P95_MS = float(os.environ.get("LOAD_MAX_READ_P95_MS", "1000"))
SUMMARY = os.environ.get("LOAD_SUMMARY")
log = logging.getLogger(__name__)
sampler = RssSampler(API_PID) if API_PID else None


class Uploads(LoadTestShape):
    """Everyone at once; the end at SECONDS × LOAD_TIME_SCALE, or when every uploader has done its N."""

    uploaders_seen = False

    def tick(self) -> tuple[int, float, list] | None:
        uploaders = self.runner.user_classes_count.get(Uploader.__name__, 0)
        self.uploaders_seen |= uploaders > 0
        finished = UPLOADS_EACH and self.uploaders_seen and uploaders == 0
        if finished or self.get_run_time() >= SECONDS * TIME_SCALE:
            return None
        users = Uploader.fixed_count + READERS
        return users, float(users), [Uploader, Reader] if Uploader.fixed_count else [Reader]


@events.test_start.add_listener
def _sample_memory(environment, **_kwargs) -> None:
    if sampler is None:
        return

    def loop() -> None:
        while environment.runner.state not in ("stopping", "stopped", "quitting"):
            sampler.sample()
            gevent.sleep(1)

    sampler.sample()
    gevent.spawn(loop)


def reads_entry(environment) -> StatsEntry:
    """Every GET (the readers' requests) as one entry, for one p95."""
    reads = StatsEntry(environment.stats, "reads", "GET", use_response_times_cache=False)
    for entry in environment.stats.entries.values():
        if entry.method == "GET":
            reads.extend(entry)
    return reads


def percentile(entry: StatsEntry, fraction: float) -> int:
    """The entry's percentile in ms (0 when it has no request)."""
    return entry.get_response_time_percentile(fraction) if entry.num_requests else 0


@events.quitting.add_listener
def _check(environment, **_kwargs) -> None:
    total, reads = environment.stats.total, reads_entry(environment)
    uploads = environment.stats.get("/api/videos/upload", "POST")
    seconds = (total.last_request_timestamp or total.start_time) - total.start_time
    summary = {"uploaders": Uploader.fixed_count, "readers": READERS, "seconds": round(seconds, 1),
               "uploads": uploads.num_requests, "upload_failures": uploads.num_failures,
               "upload_p50_ms": percentile(uploads, 0.5), "upload_p95_ms": percentile(uploads, 0.95),
               "reads": reads.num_requests, "read_failures": reads.num_failures,
               "read_p50_ms": percentile(reads, 0.5), "read_p95_ms": percentile(reads, 0.95),
               "failures": total.num_failures}
    if sampler is not None:
        sampler.sample()
        RSS_CSV.parent.mkdir(parents=True, exist_ok=True)
        sampler.write_csv(RSS_CSV)
        summary.update(rss_start_mb=round(sampler.samples[0][1], 1),
                       rss_max_mb=round(max(sample[1] for sample in sampler.samples), 1),
                       rss_growth_mb=round(sampler.growth_mb(), 1),
                       helpers_rss_max_mb=round(max(sample[2] for sample in sampler.samples), 1),
                       helpers_max=max(sample[3] for sample in sampler.samples))
    growth = summary.get("rss_growth_mb")
    passed = (total.num_failures == 0 and reads.num_requests > 0 and summary["read_p95_ms"] <= MAX_READ_P95_MS
              and (uploads.num_requests > 0 or not Uploader.fixed_count)
              and (growth is None or growth <= MAX_RSS_GROWTH_MB))
    summary["passed"] = passed
    log.info("pass criteria (no failure, reads p95 <= %s ms, API RSS growth <= %s MB): %s: %s",
             MAX_READ_P95_MS, MAX_RSS_GROWTH_MB, "PASS" if passed else "FAIL", json.dumps(summary))
    if SUMMARY:
        Path(SUMMARY).write_text(json.dumps(summary, indent=2))
    if not passed:
        environment.process_exit_code = 1
