"""Every Prometheus series the project defines, in one place (names, labels, buckets).

The API's gunicorn workers and the Celery workers run several processes each, so the values live in
prometheus_client's multiprocess files (PROMETHEUS_MULTIPROC_DIR) and one exporter per side adds them up
(see anb/observability/exporter.py). Without that variable (tests, ``flask`` commands) they stay in memory.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# -- API (recorded by anb/observability/http_metrics.py) --
HTTP_REQUESTS = Counter("anb_http_requests_total", "API requests answered, by endpoint template and status.",
                        ["method", "endpoint", "status"])
HTTP_LATENCY = Histogram("anb_http_request_duration_seconds", "API request latency, by endpoint template.",
                         ["method", "endpoint"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30))
HTTP_IN_FLIGHT = Gauge("anb_http_requests_in_flight", "API requests being handled right now.",
                       multiprocess_mode="livesum")

# -- Pipeline (recorded by tasks/tracing.py and anb/videos/processing.py, in the Celery workers) --
STAGE_TASKS = Counter("anb_stage_tasks_total", "Stage task runs, by stage and event "
                      "(started, succeeded, retried, failed, ignored).", ["stage", "event"])
STAGE_DURATION = Histogram("anb_stage_duration_seconds", "Time one stage attempt took, by stage and outcome.",
                           ["stage", "outcome"],
                           buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600))
UPLOAD_TO_PROCESSED = Histogram("anb_video_upload_to_processed_seconds",
                                "From the upload's commit to `processed` (queueing included).",
                                buckets=(5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200))

# -- Business --
UPLOADS = Counter("anb_uploads_total", "Uploads, accepted or refused (with the reason).",
                  ["result", "reason"])
VIDEOS_FINISHED = Counter("anb_videos_finished_total", "Videos whose chain ended, by final status.",
                          ["status"])
VOTES = Counter("anb_votes_total", "Votes, cast or refused (with the reason).", ["result", "reason"])
RATE_LIMITED = Counter("anb_rate_limited_total", "Requests the rate limiter refused, by endpoint template.",
                       ["endpoint"])
