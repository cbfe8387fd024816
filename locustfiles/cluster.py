"""The web mix against scripts/cluster's load balancer (scripts/bench_cluster.py runs it): ``WebFan`` as the
capacity plans use it, and ``BusyFan``, the same mix without think time, for the throughput of one API host
against two (pick one by name: ``locust -f locustfiles/cluster.py BusyFan``). Every failed request is
appended to LOAD_FAILURE_LOG with its time, so the bench can say when failures started and stopped around
the hosts it kills."""

from __future__ import annotations

import json
import os
import time

from locust import constant, events

from locustfiles.web import WebFan

FAILURE_LOG = os.environ.get("LOAD_FAILURE_LOG")


class BusyFan(WebFan):
    """The web mix back to back: what the API hosts can serve, not what fans ask for."""

    wait_time = constant(0)


__all__ = ["BusyFan", "WebFan"]


@events.request.add_listener
def _record_failure(request_type, name, exception, **_kwargs) -> None:
    if exception and FAILURE_LOG:
        with open(FAILURE_LOG, "a") as log:
            log.write(json.dumps({"time": time.time(), "request": f"{request_type} {name}",
                                  "error": str(exception)[:200]}) + "\n")
