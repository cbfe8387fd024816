"""gunicorn settings: threaded workers on loopback, behind Nginx (which buffers slow clients and uploads).

Two pools run from this one file, chosen by GUNICORN_POOL: ``api`` (every path) and ``upload`` (only
POST /api/videos/upload, which Nginx sends there): an upload holds its thread for as long as the app streams
the body to storage, probes and decode-checks it (~30 s for 50 MB), so uploads in their own processes can
never take the threads reads need. Each pool has its own bind, sizes, pidfile, logs and metrics.
"""

import multiprocessing
import os
from pathlib import Path

_var = Path(os.environ.get("ANB_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))

#: Pool -> (prefix of its environment knobs, default bind, workers, threads, metrics bind knob and default).
#: Uploads mostly wait on disk and ffprobe/ffmpeg, hence few processes with many threads.
_POOLS = {
    "api": ("GUNICORN", "127.0.0.1:8000", multiprocessing.cpu_count() * 2 + 1, 4,
            "API_METRICS_BIND", "127.0.0.1:9101"),
    "upload": ("UPLOAD_GUNICORN", "127.0.0.1:8001", 2, 8, "UPLOAD_METRICS_BIND", "127.0.0.1:9103"),
}
_pool = os.environ.get("GUNICORN_POOL", "api")
if _pool not in _POOLS:
    raise SystemExit(f"GUNICORN_POOL must be one of {', '.join(_POOLS)}, not {_pool!r}")
_knob, _bind, _workers, _threads, _metrics_knob, _metrics_default = _POOLS[_pool]
#: The api pool's files keep their names (gunicorn.pid, gunicorn-*.log); the upload pool's say "upload".
_name = "gunicorn" if _pool == "api" else f"gunicorn-{_pool}"

bind = os.environ.get(f"{_knob}_BIND", _bind)
workers = int(os.environ.get(f"{_knob}_WORKERS", _workers))
# gthread by default; GUNICORN_WORKER_CLASS=sync is measured beside it in docs/capacity.md (the upload pool's
# is UPLOAD_GUNICORN_WORKER_CLASS).
worker_class = os.environ.get(f"{_knob}_WORKER_CLASS", "gthread")
# (gunicorn turns a sync worker with more than one thread into gthread.)
threads = int(os.environ.get(f"{_knob}_THREADS", _threads if worker_class == "gthread" else 1))
timeout = 120
graceful_timeout = 30
# Longer than Nginx's upstream keepalive_timeout (60 s), so Nginx, not gunicorn, closes idle connections:
# otherwise a request can race a closing connection and fail with 502.
keepalive = 75
# Looser than Nginx's header limits (large_client_header_buffers 4 4k): whatever Nginx lets through,
# gunicorn accepts, so its HTML "Request Line is too large" page can never reach a client.
limit_request_line = 8190
limit_request_field_size = 16384
limit_request_fields = 32768
# The pure-Python parser, even if gunicorn-h1c (the C one) is installed: the C parser refuses a request with
# a few hundred headers, which Nginx lets through, with gunicorn's HTML 400 (docs/capacity.md, change 2).
http_parser = "python"
pidfile = str(_var / "app" / f"{_name}.pid")
# Nginx writes one access line per request, with the same request id (config/nginx): gunicorn's own line
# for it cost an eighth of a cached read's CPU (py-spy, docs/capacity.md). GUNICORN_ACCESS_LOG=1 brings it
# back (e.g. when gunicorn is reached without Nginx).
accesslog = (str(_var / "log" / f"{_name}-access.log") if os.environ.get("GUNICORN_ACCESS_LOG") == "1"
             else None)
errorlog = str(_var / "log" / f"{_name}-error.log")
capture_output = True
proc_name = f"anb-{_pool}"
# The request id Nginx sent (or the app gave) on every access line, next to the same id in the app's logs.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

# Metrics: every worker writes prometheus_client's multiprocess files here; the master sums them on an
# internal port (never through Nginx). Set before any worker imports prometheus_client.
_metrics_dir = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_var / "metrics" / _pool)))
_metrics_bind = os.environ.get(_metrics_knob, _metrics_default)


def on_starting(server) -> None:
    """A new master: the previous run's files would be summed into this one's, so start empty."""
    import shutil

    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(parents=True)


def when_ready(server) -> None:
    """Serve the workers' summed metrics from the master, on loopback."""
    from anb.observability.exporter import serve

    serve(_metrics_bind, _metrics_dir)
    server.log.info("metrics on http://%s/metrics", _metrics_bind)


def child_exit(server, worker) -> None:
    """A worker died: drop its in-flight gauge (its counters keep counting in the totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(_metrics_dir))
