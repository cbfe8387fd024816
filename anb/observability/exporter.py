"""The HTTP endpoint Prometheus scrapes: the sum of every process's multiprocess files, on loopback only.

The API's exporter runs inside the gunicorn master (config/gunicorn.conf.py); the Celery workers' runs as
its own small process, ``python -m anb.observability.exporter`` (started by scripts/monitoring.sh), because
several worker instances share one files directory and none of them should own the port.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

#: Only the project's own series: other libraries in the same processes (Flower) publish theirs themselves.
PREFIX = "anb_"


class ProjectCollector(MultiProcessCollector):
    """MultiProcessCollector limited to the series named ``anb_*``."""

    def collect(self) -> Iterable[Metric]:
        """The summed families whose name starts with PREFIX."""
        return (family for family in super().collect() if family.name.startswith(PREFIX))


def registry(directory: str | Path) -> CollectorRegistry:
    """A registry that reads ``directory``'s multiprocess files at each scrape."""
    collecting = CollectorRegistry()
    ProjectCollector(collecting, path=str(directory))
    return collecting


def serve(bind: str, directory: str | Path):
    """Serve ``directory``'s metrics on ``bind`` ("host:port") from a daemon thread: (server, thread)."""
    host, port = bind.rsplit(":", 1)
    return start_http_server(int(port), addr=host, registry=registry(directory))


def main() -> None:
    """``python -m anb.observability.exporter --bind 127.0.0.1:9102 --dir var/metrics/celery``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="127.0.0.1:9102", help="host:port to listen on (keep it loopback)")
    parser.add_argument("--dir", default=os.environ.get("PROMETHEUS_MULTIPROC_DIR"),
                        help="the multiprocess files directory the workers write")
    options = parser.parse_args()
    if not options.dir:
        parser.error("--dir (or PROMETHEUS_MULTIPROC_DIR) is required")
    Path(options.dir).mkdir(parents=True, exist_ok=True)
    _server, thread = serve(options.bind, options.dir)
    thread.join()


if __name__ == "__main__":
    main()
