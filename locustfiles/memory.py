"""The API's memory during a plan: the resident size of a process tree (gunicorn's master and its workers),
read from /proc once a second, written to a CSV and judged at the end (uploads must be streamed, so the
API's RSS stays flat however many uploads are in flight)."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE_KB = 4


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc/<pid>/task/<tid>/children (processes alive now)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in children.read_text().split())
            except OSError:  # the thread or process ended meanwhile
                continue
    return found


def rss_mb(pid: int) -> float:
    """Resident set size of one process in MB (0 if it has gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class RssSampler:
    """Samples of the summed RSS of a process tree: (seconds since the first sample, processes, MB)."""

    root: int
    samples: list[tuple[float, int, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def sample(self) -> float:
        """Take one sample; the tree's RSS in MB."""
        pids = process_tree(self.root)
        total = sum(rss_mb(pid) for pid in pids)
        self.samples.append((time.monotonic() - self.started, len(pids), total))
        return total

    def growth_mb(self) -> float:
        """How far the RSS rose above the first sample (the run's start)."""
        return max(total for *_, total in self.samples) - self.samples[0][2] if self.samples else 0.0

    def write_csv(self, path: Path) -> None:
        """The samples as CSV (seconds, processes, rss_mb)."""
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["seconds", "processes", "rss_mb"])
            writer.writerows((f"{seconds:.1f}", count, f"{total:.1f}")
                             for seconds, count, total in self.samples)
