"""gunicorn settings: threaded workers on loopback, behind Nginx (which buffers slow clients and uploads)."""

import multiprocessing
import os
from pathlib import Path

_var = Path(os.environ.get("ANB_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 120
graceful_timeout = 30
# Longer than Nginx's upstream keepalive_timeout (60 s), so Nginx, not gunicorn, closes idle connections:
# otherwise a request can race a closing connection and fail with 502.
keepalive = 75
pidfile = str(_var / "app" / "gunicorn.pid")
accesslog = str(_var / "log" / "gunicorn-access.log")
errorlog = str(_var / "log" / "gunicorn-error.log")
capture_output = True
proc_name = "anb-api"
