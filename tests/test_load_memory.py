"""The uploads plan's memory probe (locustfiles/memory.py) reads real processes from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from locustfiles.memory import RssSampler, children, process_tree, rss_mb

#: A child that starts a grandchild, says both pids, then waits to be stopped.
PARENT = ("import subprocess, sys; child = subprocess.Popen([sys.executable, '-c', 'import time; "
          "time.sleep(60)']); print(child.pid, flush=True); sys.stdin.read(); child.kill()")


def test_the_tree_holds_the_root_its_children_and_their_children() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        grandchild = int(parent.stdout.readline())
        tree = process_tree(os.getpid())
        assert {os.getpid(), parent.pid, grandchild} <= set(tree)
        assert process_tree(parent.pid) == [parent.pid, grandchild]
        assert parent.pid in children(os.getpid()) and grandchild not in children(os.getpid())
        sampler = RssSampler(os.getpid())  # server: this process and its child; helper: the grandchild
        own = sampler.sample()
        _, _, helpers, count = sampler.samples[0]
        assert own >= rss_mb(os.getpid()) + rss_mb(parent.pid) * 0.9
        assert count >= 1 and helpers >= rss_mb(grandchild) * 0.8
    finally:
        parent.communicate("")
    assert parent.pid not in process_tree(os.getpid())


def test_a_process_that_has_gone_weighs_nothing() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert rss_mb(gone.pid) == 0.0 and rss_mb(os.getpid()) > 10


def test_growth_is_measured_from_the_first_sample(tmp_path: Path) -> None:
    sampler = RssSampler(os.getpid())
    first = sampler.sample()
    ballast = b"\x01" * (64 * 1024 * 1024)  # written, so resident
    sampler.sample()
    assert 60 <= sampler.growth_mb() <= 80 and len(ballast)
    del ballast
    sampler.write_csv(tmp_path / "rss.csv")
    header, start, _ = (tmp_path / "rss.csv").read_text().splitlines()
    assert header == "seconds,server_rss_mb,helpers_rss_mb,helpers"
    assert float(start.split(",")[1]) == round(first, 1)
