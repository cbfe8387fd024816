"""scripts/plot_capacity.py: every plot a capacity run directory has data for, from Locust's CSV history,
the CPU samples and the workers' CSV; a workers CSV without the documented columns is refused."""

from __future__ import annotations

import csv
import runpy

import pytest

from config import ROOT

plot = runpy.run_path(str(ROOT / "scripts" / "plot_capacity.py"))
HISTORY_HEADER = ["Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s", "50%", "66%", "75%",
                  "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%", "Total Request Count",
                  "Total Failure Count", "Total Median Response Time", "Total Average Response Time",
                  "Total Min Response Time", "Total Max Response Time", "Total Average Content Size"]


def _write(path, header, rows) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def _history(second: int, users: int, p95: str, requests: int, failures: int) -> list:
    return [1795700000 + second, users, "", "Aggregated", 10.0, 0.5, "20", "", "", "", "", p95, "", "", "",
            "", "", requests, failures, 20, 25.0, 1.0, 900.0, 300.0]


def test_every_plot_of_a_run_is_drawn_from_its_files(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    _write(run / "knee_stats_history.csv", HISTORY_HEADER,
           [_history(0, 10, "N/A", 0, 0), _history(1, 20, "120", 15, 0), _history(2, 30, "1100", 30, 2),
            [1795700002, 30, "GET", "/api/public/rankings", *["1"] * 20]])
    _write(run / "knee_cpu.csv", ["seconds", "kind", "cores", "load_average"],
           [[2.0, "gunicorn (API)", 0.8, 3.1], [2.0, "nginx", 0.05, 3.1], [4.0, "gunicorn (API)", 0.9, 3.2]])
    _write(run / "workers.csv", plot["WORKER_COLUMNS"], [[50, 1, 2.0, 30, 55], [50, 2, 3.6, 20, 35],
                                                         [100, 1, 1.1, 60, 100]])

    written = plot["plot_run"](run, tmp_path / "img")

    assert sorted(path.name for path in written) == sorted(
        [f"capacity-knee-{kind}.png" for kind in ("throughput", "latency", "errors", "cpu")]
        + ["capacity-workers-throughput.png", "capacity-workers-latency.png"])
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for path in written)
    history = plot["aggregated_history"](run / "knee_stats_history.csv")
    assert [row["users"] for row in history] == [10, 20, 30]


def test_a_workers_csv_without_the_documented_columns_is_refused(tmp_path):
    _write(tmp_path / "workers.csv", ["size_mb", "workers", "videos_per_min"], [[50, 1, 2.0]])

    with pytest.raises(SystemExit, match="enqueue_to_processed_p50_s"):
        plot["plot_run"](tmp_path, tmp_path / "img")
