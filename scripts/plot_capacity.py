"""Every capacity plot, from the files of one scripts/bench_capacity.py run directory (var/capacity/<stamp>/).

Usage: .venv/bin/python scripts/plot_capacity.py RUN_DIR [--out docs/img] [--prefix capacity-]

For each plan whose Locust history is there (``<plan>_stats_history.csv``, written with --csv-full-history;
its "Aggregated" rows, one a second), three PNGs:
  <prefix><plan>-throughput.png   users and req/s over time, and req/s against users
  <prefix><plan>-latency.png      p50 and p95 (of the last 10 s) against users
  <prefix><plan>-errors.png       failures/s and error rate (of all requests so far) against users
and, when the CPU samples are there (``<plan>_cpu.csv``: seconds,kind,cores,load_average), the cores each
kind of process used over time: <prefix><plan>-cpu.png.

Worker throughput (the workers plan, measured elsewhere) is plotted when RUN_DIR holds ``workers.csv``,
one row per measured configuration, with this header (times in seconds):

    size_mb,workers_per_queue,videos_per_min,enqueue_to_processed_p50_s,enqueue_to_processed_p95_s

  <prefix>workers-throughput.png  videos/min against workers per queue, one line per video size
  <prefix>workers-latency.png     enqueue → processed p50 and p95 against workers per queue, per size
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent
WORKER_COLUMNS = ("size_mb", "workers_per_queue", "videos_per_min", "enqueue_to_processed_p50_s",
                  "enqueue_to_processed_p95_s")


def _number(value: str) -> float | None:
    """A CSV cell as a number; None for Locust's "N/A" (no request in the window)."""
    try:
        return float(value)
    except ValueError:
        return None


def aggregated_history(path: Path) -> list[dict[str, float | None]]:
    """The run's "Aggregated" rows: seconds since start, users, req/s, failures/s, p50, p95, totals."""
    rows = []
    with path.open(newline="") as source:
        for row in csv.DictReader(source):
            if row["Name"] != "Aggregated":
                continue
            rows.append({"time": float(row["Timestamp"]), "users": float(row["User Count"]),
                         "rps": _number(row["Requests/s"]), "fps": _number(row["Failures/s"]),
                         "p50": _number(row["50%"]), "p95": _number(row["95%"]),
                         "requests": _number(row["Total Request Count"]) or 0.0,
                         "failures": _number(row["Total Failure Count"]) or 0.0})
    if rows:
        start = rows[0]["time"]
        for row in rows:
            row["time"] -= start
    return rows


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def plot_plan(name: str, rows: list[dict], out: Path, prefix: str) -> list[Path]:
    """The throughput, latency and error plots of one plan."""
    t = [row["time"] for row in rows]
    users = [row["users"] for row in rows]
    written = []

    figure, (over_time, by_users) = plt.subplots(1, 2, figsize=(11, 4))
    over_time.plot(t, users, color="tab:gray", label="users")
    over_time.set_xlabel("seconds")
    over_time.set_ylabel("users")
    rate_axis = over_time.twinx()
    rate_axis.plot(t, [row["rps"] for row in rows], color="tab:blue", label="req/s")
    rate_axis.set_ylabel("req/s", color="tab:blue")
    over_time.set_title(f"{name}: users and throughput over time")
    by_users.scatter(users, [row["rps"] for row in rows], s=6, color="tab:blue")
    by_users.set_xlabel("users")
    by_users.set_ylabel("req/s")
    by_users.set_title(f"{name}: req/s against users")
    written.append(_save(figure, out / f"{prefix}{name}-throughput.png"))

    figure, axis = plt.subplots(figsize=(7, 4))
    axis.scatter(users, [row["p50"] for row in rows], s=6, label="p50")
    axis.scatter(users, [row["p95"] for row in rows], s=6, label="p95")
    axis.axhline(1000, color="tab:red", linewidth=0.8, linestyle="--", label="1 s")
    axis.axhline(150, color="tab:green", linewidth=0.8, linestyle=":", label="150 ms")
    axis.set_yscale("log")
    axis.set_xlabel("users")
    axis.set_ylabel("response time, ms (last 10 s)")
    axis.set_title(f"{name}: latency against users")
    axis.legend()
    written.append(_save(figure, out / f"{prefix}{name}-latency.png"))

    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(users, [row["fps"] for row in rows], color="tab:red", label="failures/s")
    axis.set_xlabel("users")
    axis.set_ylabel("failures/s", color="tab:red")
    ratio_axis = axis.twinx()
    error_rate = [100 * row["failures"] / row["requests"] if row["requests"] else 0 for row in rows]
    ratio_axis.plot(users, error_rate, color="tab:orange", label="error rate")
    ratio_axis.set_ylabel("error rate so far, %", color="tab:orange")
    axis.set_title(f"{name}: errors against users")
    written.append(_save(figure, out / f"{prefix}{name}-errors.png"))
    return written


def plot_cpu(name: str, path: Path, out: Path, prefix: str) -> Path:
    """Cores used by each kind of process over the plan (bench_capacity.py's samples)."""
    series: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    with path.open(newline="") as source:
        for row in csv.DictReader(source):
            times, cores = series[row["kind"]]
            times.append(float(row["seconds"]))
            cores.append(float(row["cores"]))
    figure, axis = plt.subplots(figsize=(9, 4))
    for kind, (times, cores) in sorted(series.items(), key=lambda item: -sum(item[1][1])):
        axis.plot(times, cores, label=kind, linewidth=1)
    axis.axhline(2, color="black", linewidth=0.8, linestyle="--", label="2 cores")
    axis.set_xlabel("seconds")
    axis.set_ylabel("cores")
    axis.set_title(f"{name}: CPU by kind of process (machine shared)")
    axis.legend(fontsize=7, ncol=2)
    return _save(figure, out / f"{prefix}{name}-cpu.png")


def plot_workers(path: Path, out: Path, prefix: str) -> list[Path]:
    """Videos/min and enqueue → processed latency against workers per queue, one line per size."""
    by_size: dict[float, list[dict[str, float]]] = defaultdict(list)
    with path.open(newline="") as source:
        reader = csv.DictReader(source)
        if missing := set(WORKER_COLUMNS) - set(reader.fieldnames or ()):
            raise SystemExit(f"{path}: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            by_size[float(row["size_mb"])].append({column: float(row[column]) for column in WORKER_COLUMNS})
    figure, axis = plt.subplots(figsize=(7, 4))
    latency_figure, latency_axis = plt.subplots(figsize=(7, 4))
    for size, rows in sorted(by_size.items()):
        rows.sort(key=lambda row: row["workers_per_queue"])
        workers = [row["workers_per_queue"] for row in rows]
        axis.plot(workers, [row["videos_per_min"] for row in rows], marker="o", label=f"{size:g} MB")
        latency_axis.plot(workers, [row["enqueue_to_processed_p50_s"] for row in rows], marker="o",
                          label=f"{size:g} MB p50")
        latency_axis.plot(workers, [row["enqueue_to_processed_p95_s"] for row in rows], marker="x",
                          linestyle="--", label=f"{size:g} MB p95")
    axis.set_xlabel("workers per queue")
    axis.set_ylabel("videos per minute")
    axis.set_title("Worker throughput by video size and workers")
    axis.legend()
    latency_axis.set_xlabel("workers per queue")
    latency_axis.set_ylabel("enqueue → processed, s")
    latency_axis.set_title("Time to processed by video size and workers")
    latency_axis.legend(fontsize=8)
    return [_save(figure, out / f"{prefix}workers-throughput.png"),
            _save(latency_figure, out / f"{prefix}workers-latency.png")]


def plot_run(run: Path, out: Path, prefix: str = "capacity-") -> list[Path]:
    """Every plot the run directory has data for."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for history in sorted(run.glob("*_stats_history.csv")):
        name = history.name.removesuffix("_stats_history.csv")
        if rows := aggregated_history(history):
            written += plot_plan(name, rows, out, prefix)
        if (cpu := run / f"{name}_cpu.csv").exists():
            written.append(plot_cpu(name, cpu, out, prefix))
    if (workers := run / "workers.csv").exists():
        written += plot_workers(workers, out, prefix)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="a var/capacity/<stamp>/ directory")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where the PNGs go")
    parser.add_argument("--prefix", default="capacity-", help="file name prefix of every PNG")
    args = parser.parse_args()
    for path in plot_run(args.run, args.out, args.prefix):
        print(path)


if __name__ == "__main__":
    main()
