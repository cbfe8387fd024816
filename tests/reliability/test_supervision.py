"""supervisord with the system's own config (config/supervisord.conf) runs every long-lived process, and a
program killed outright is running again within seconds, as scripts/up relies on.

The programs run with the testing config, on ports chosen free, as root (the system user of scripts/up is
checked by hand, see docs/reliability.md), and are shut down at the end.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port
from tests.worker import ROOT

CONFIG = ROOT / "config" / "supervisord.conf"
PROGRAMS = {"redis", "gunicorn", "gunicorn-upload", "beat", "flower", "workers:worker-trim",
            "workers:worker-transform", "workers:worker-brand", "workers:worker-finalize", "worker-metrics",
            "node-exporter", "prometheus"}


class Supervisor:
    """supervisord and supervisorctl on one var folder."""

    def __init__(self, var: Path) -> None:
        for folder in ("run", "log", "app", "redis", "metrics/celery", "prometheus"):
            (var / folder).mkdir(parents=True, exist_ok=True)
        (var / "prometheus" / "prometheus.yml").write_text("scrape_configs: []\n")  # up renders the real one
        self.gunicorn_port, self.upload_port = free_port(), free_port()
        self.env = {**os.environ, "ANB_ENV": "testing", "ANB_ROOT": str(ROOT), "ANB_VAR": str(var),
                    "ANB_USER": "root", "GUNICORN_BIND": f"127.0.0.1:{self.gunicorn_port}",
                    "API_METRICS_BIND": f"127.0.0.1:{free_port()}",
                    "UPLOAD_GUNICORN_BIND": f"127.0.0.1:{self.upload_port}",
                    "UPLOAD_METRICS_BIND": f"127.0.0.1:{free_port()}",
                    "GUNICORN_WORKERS": "1", "UPLOAD_GUNICORN_WORKERS": "1", "ANB_VAR_DIR": str(var),
                    "REDIS_PORT": str(free_port()),
                    "REDIS_PASSWORD": secrets.token_hex(8), "FLOWER_PORT": str(free_port()),
                    "FLOWER_BASIC_AUTH": f"anb:{secrets.token_hex(8)}",
                    **{name: f"127.0.0.1:{free_port()}" for name in ("PROMETHEUS_ADDR", "NODE_EXPORTER_ADDR",
                                                                     "WORKER_METRICS_ADDR")}}

    def ctl(self, *args: str) -> str:
        return subprocess.run([ROOT / ".venv/bin/supervisorctl", "-c", CONFIG, *args], env=self.env,
                              capture_output=True, text=True, timeout=60).stdout

    def running(self) -> dict[str, int]:
        """Program name -> pid, for the programs in state RUNNING."""
        states = {}
        for line in self.ctl("status").splitlines():
            parts = line.split()
            if len(parts) > 3 and parts[1] == "RUNNING":
                states[parts[0]] = int(parts[3].rstrip(","))
        return states

    def wait(self, condition, what: str, timeout: float = 90) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        while not condition(states := self.running()):
            assert time.monotonic() < deadline, f"{what}: {self.ctl('status')}"
            time.sleep(0.2)
        return states


@pytest.fixture
def supervisor(tmp_path, worker) -> Iterator[Supervisor]:
    worker.stop()  # the supervised workers take the test queues meanwhile
    supervised = Supervisor(tmp_path / "var")
    subprocess.run([ROOT / ".venv/bin/supervisord", "-c", CONFIG], env=supervised.env, check=True, timeout=60)
    try:
        yield supervised
    finally:
        supervised.ctl("shutdown")
        pid_file = tmp_path / "var" / "run" / "supervisord.pid"
        deadline = time.monotonic() + 60
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)


def test_every_program_runs_and_a_killed_one_comes_back(supervisor, figures):
    before = supervisor.wait(lambda states: set(states) >= PROGRAMS, "not every program started")
    # RUNNING means started; a worker on a loaded machine may need a while longer to import the app.
    for port in (supervisor.gunicorn_port, supervisor.upload_port):  # the API's pool and the uploads' pool
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=90) as ok:
            assert ok.status == 200

    os.kill(before["workers:worker-brand"], signal.SIGKILL)
    killed = time.monotonic()
    after = supervisor.wait(lambda states: states.get("workers:worker-brand") not in (None,
                            before["workers:worker-brand"]), "the killed worker did not come back", 30)

    assert set(after) == PROGRAMS
    figures["supervised_worker_back_seconds"] = round(time.monotonic() - killed, 2)
