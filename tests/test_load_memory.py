"""The uploads plan's memory probe (locustfiles/memory.py) reads real processes from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from locustfiles.memory import RssSampler, process_tree, rss_mb

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
    assert header == "seconds,processes,rss_mb" and float(start.split(",")[2]) == round(first, 1)
