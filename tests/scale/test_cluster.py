"""scripts/cluster end to end, as a cluster of its own beside any other (CLUSTER_NAME, its own subnet and
port): up, a request through the load balancer, one API host killed outright while reads still succeed
through the load balancer, then down leaves no namespace, veth, bridge or state behind."""

from __future__ import annotations

import os
import subprocess

import requests

from config import ROOT
from tests.helpers import free_port

NAME, SUBNET = "anbt", "10.78.0"
SCRIPT = str(ROOT / "scripts" / "cluster")


def cluster(command: str, env: dict[str, str], *args: str,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run scripts/cluster COMMAND [ARGS] (bounded in time)."""
    return subprocess.run([SCRIPT, command, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


def links() -> str:
    """Every network interface and namespace of the root namespace, as text."""
    shown = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    return shown + subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout


def test_a_cluster_serves_through_its_balancer_survives_an_api_host_and_leaves_nothing():
    port = free_port()
    # Only what the script needs: none of the test run's own settings (ANB_ENV, TEST_*) reaches the hosts.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "CLUSTER_NAME": NAME,
           "CLUSTER_SUBNET": SUBNET, "CLUSTER_PORT": str(port), "API_WORKERS": "1"}
    balancer = f"http://127.0.0.1:{port}/api"
    try:
        up = cluster("up", env)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        assert requests.get(f"{balancer}/health", timeout=10).json()["status"] == "ok"

        killed = cluster("kill", env, "api1", timeout=60)
        assert killed.returncode == 0, killed.stderr
        assert "api1" in killed.stdout
        reads = [requests.get(f"{balancer}/public/rankings", timeout=10) for _ in range(6)]
        assert [read.status_code for read in reads] == [200] * 6
        assert all(read.json() == [] for read in reads)
        status = cluster("status", env, timeout=60).stdout
        assert f"api1 ({NAME}-api1, {SUBNET}.11): 0 processes" in status
        assert "gunicorn                         RUNNING" in status  # api2's
    finally:
        down = cluster("down", env)
    assert down.returncode == 0, down.stdout + down.stderr
    assert f"{NAME}-" not in links()
    assert not (ROOT / "var" / f"cluster-{NAME}").exists()
