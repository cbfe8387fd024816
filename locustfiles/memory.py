"""The API's memory during a plan: the resident size of gunicorn's master and its workers (psutil)
once a second, written to a CSV and judged at the end (uploads must be streamed, so the API's RSS stays flat
however many uploads are in flight). Their own children (the upload check's ffprobe and ffmpeg, which come
and go) are summed apart, as helpers."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (processes alive now)."""
    try:
        return [root, *(child.pid for child in psutil.Process(root).children(recursive=True))]
    except psutil.Error:  # the root ended meanwhile
        return [root]


def rss_mb(pid: int) -> float:
    """Resident set size of one process in MB (0 if it has gone)."""
    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return 0.0


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (gunicorn's workers, for its master)."""
    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.Error:
        return []


@dataclass
class RssSampler:
    """Samples of a server's memory: (seconds since the first sample, the root and its direct children's
    summed RSS in MB, the deeper descendants' summed RSS in MB, how many of those there were)."""

    root: int
    samples: list[tuple[float, float, float, int]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def sample(self) -> float:
        """Take one sample; the server's own RSS (root and direct children) in MB."""
        server = [self.root, *children(self.root)]
        helpers = [pid for pid in process_tree(self.root) if pid not in server]
        own = sum(rss_mb(pid) for pid in server)
        self.samples.append((time.monotonic() - self.started, own, sum(rss_mb(pid) for pid in helpers),
                             len(helpers)))
        return own

    def growth_mb(self) -> float:
        """How far the server's own RSS rose above the first sample (the run's start)."""
        return max(sample[1] for sample in self.samples) - self.samples[0][1] if self.samples else 0.0

    def write_csv(self, path: Path) -> None:
        """The samples as CSV."""
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["seconds", "server_rss_mb", "helpers_rss_mb", "helpers"])
            writer.writerows((f"{seconds:.1f}", f"{own:.1f}", f"{helpers:.1f}", count)
                             for seconds, own, helpers, count in self.samples)
