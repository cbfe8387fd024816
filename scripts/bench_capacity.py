"""Capacity of a running stack (scripts/up), each figure beside its reference in the same run.

1. HTTP ceiling (wrk, same connections and duration for every URL): the reference app of
   ../shared/bench/ceiling/run.sh (a bare Flask answer and a one-primary-key SELECT, each behind gunicorn and
   its own Nginx on 127.0.0.1:18080) measured before and after the API's public reads; ratios are against
   the mean of the two PK-SELECT runs. Beside req/s, the CPU time the serving gunicorn (master and workers,
   from /proc) spent per answer: on a shared machine the req/s of every row moves with the neighbours' load,
   the CPU an answer costs much less.
2. The assignment's plans as Locust swarms (locustfiles/plan_*.py, LoadTestShape + pass criteria): headless,
   with --csv, --csv-full-history and --html into var/capacity/<stamp>/; accounts made up front with
   `flask seed accounts`. From each history: the first user count at which p95 crosses 1 s.

Usage: .venv/bin/python scripts/bench_capacity.py [--host URL] [--plans smoke,web_ramp,long_ramp]
           [--time-scale S] [--wrk-seconds N] [--connections N] [--accounts N] [--no-ceiling]
Only loopback hosts are accepted. Run it on a stack whose rate limits are raised in .env (docs/capacity.md).
Prints Markdown tables (also written to var/capacity/<stamp>/report.md); exits non-zero if a plan failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parent.parent
CEILING = ROOT.parent.parent / "shared" / "bench" / "ceiling" / "run.sh"
CEILING_HOST = "http://127.0.0.1:18080"
CEILING_PIDFILE = Path(os.environ.get("CEILING_DIR", "/tmp/anb-ceiling-bench")) / "gunicorn.pid"
#: The API's reads measured against the ceiling (path, what it is).
READS = [("/api/public/rankings", "ranking, cached bytes"),
         ("/api/public/rankings?city=Cali", "ranking of a city, cached bytes"),
         ("/api/public/videos", "catalogue page 1, cached bytes"),
         ("/api/public/videos?city=Cali", "catalogue page 1 of a city, cached bytes"),
         ("/api/public/videos?page=3", "catalogue page 3, uncached"),
         ("/api/health/live", "liveness"),
         ("/api/health", "readiness (checks cached 2 s)")]
PLANS = {"smoke": "locustfiles/plan_smoke.py", "web_ramp": "locustfiles/plan_web_ramp.py",
         "long_ramp": "locustfiles/plan_long_ramp.py", "knee": "locustfiles/plan_knee.py",
         "uploads": "locustfiles/plan_uploads.py",
         "steady500": "locustfiles/plan_steady500.py"}
#: How often the CPU of each kind of process is sampled from /proc while a plan runs.
CPU_SAMPLE_SECONDS = 2.0
KNEE_MS = 1000


def gunicorn_processes(pidfile: Path) -> list[psutil.Process]:
    """A gunicorn master (from its pid file) and its workers."""
    master = psutil.Process(int(pidfile.read_text()))
    return [master, *master.children()]


def server_cpu(pidfile: Path) -> float:
    """CPU seconds used so far by a gunicorn master and its workers (threads included)."""
    return sum(sum(process.cpu_times()[:2]) for process in gunicorn_processes(pidfile))  # user + system


def wrk(url: str, seconds: int, connections: int, pidfile: Path | None = None) -> dict[str, float]:
    """req/s, p50/p99 (ms), non-2xx answers of one wrk run (2 threads), and the serving gunicorn's CPU
    milliseconds per answer (``cpu``, when its pid file is given)."""
    cpu_before = server_cpu(pidfile) if pidfile else 0.0
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    answers = int(re.search(r"(\d+) requests in", out).group(1))
    cpu = (server_cpu(pidfile) - cpu_before) * 1000 / max(answers, 1) if pidfile else float("nan")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)), "bad": bad, "cpu": cpu}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def ceiling_table(host: str, seconds: int, connections: int, pidfile: Path,
                  reads: list[tuple[str, str]]) -> list[str]:
    """The API's reads between two runs of the PK-SELECT reference, with ratios to it (``pidfile``: the
    API's gunicorn)."""
    venv = ROOT / ".venv"
    subprocess.run([str(CEILING), "start", str(venv)], check=True, capture_output=True)
    try:
        for url in (f"{CEILING_HOST}/player", f"{host}/api/public/rankings", f"{host}/api/public/videos"):
            wrk(url, 2, connections)  # warm caches, pools and the JIT-less interpreter's imports
        before = wrk(f"{CEILING_HOST}/player", seconds, connections, CEILING_PIDFILE)
        ping = wrk(f"{CEILING_HOST}/ping", seconds, connections, CEILING_PIDFILE)
        reads = [(path, label, wrk(f"{host}{path}", seconds, connections, pidfile)) for path, label in reads]
        after = wrk(f"{CEILING_HOST}/player", seconds, connections, CEILING_PIDFILE)
    finally:
        subprocess.run([str(CEILING), "stop"], check=False, capture_output=True)
    reference = statistics.mean([before["rps"], after["rps"]])
    lines = [f"wrk -t2 -c{connections} -d{seconds}s, one run each, in this order",
             "", "| endpoint | what | req/s | × PK-SELECT | p50 ms | p99 ms | non-2xx/errors | "
                 "gunicorn CPU ms/answer | CPU × bare Flask's |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = [("ceiling /player (before)", "one PK SELECT, reference", before),
            ("ceiling /ping", "bare Flask answer", ping),
            *[(path, label, result) for path, label, result in reads],
            ("ceiling /player (after)", "one PK SELECT, reference", after)]
    for name, label, result in rows:
        lines.append(f"| `{name}` | {label} | {result['rps']:.0f} | {result['rps'] / reference:.2f} | "
                     f"{result['p50']:.1f} | {result['p99']:.1f} | {result['bad']} | {result['cpu']:.2f} | "
                     f"{result['cpu'] / ping['cpu']:.1f} |")
    return lines


def process_kind(pid: int, api_pids: set[int]) -> str:
    """What a process is, for the CPU table: this stack's API gunicorn, or its program name."""
    if pid in api_pids:
        return "gunicorn (API)"
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    for kind in ("locust", "celery", "mariadbd", "redis-server", "nginx", "ffmpeg", "pytest", "rabbitmq"):
        if kind in command or (kind == "rabbitmq" and "beam.smp" in command):
            return kind
    return "other"


def cpu_ticks(api_pids: set[int]) -> dict[str, int]:
    """CPU clock ticks used so far, summed by kind of process (processes alive now)."""
    totals: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            kind = process_kind(int(entry.name), api_pids)
        except (OSError, IndexError):  # gone meanwhile
            continue
        totals[kind] = totals.get(kind, 0) + int(fields[11]) + int(fields[12])
    return totals


class CpuSampler(threading.Thread):
    """Cores used by each kind of process, every CPU_SAMPLE_SECONDS, into a CSV (time, kind, cores,
    load average): what saturates while a plan runs."""

    def __init__(self, path: Path, pidfile: Path):
        super().__init__(daemon=True)
        self.path, self.pidfile, self.done = path, pidfile, threading.Event()

    def api_pids(self) -> set[int]:
        try:
            return {process.pid for process in gunicorn_processes(self.pidfile)}
        except (OSError, ValueError, psutil.Error):
            return set()

    def run(self) -> None:
        hertz, started = os.sysconf("SC_CLK_TCK"), time.monotonic()
        before, then = cpu_ticks(self.api_pids()), time.monotonic()
        with self.path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["seconds", "kind", "cores", "load_average"])
            while not self.done.wait(CPU_SAMPLE_SECONDS):
                now, ticks = time.monotonic(), cpu_ticks(self.api_pids())
                for kind, total in sorted(ticks.items()):
                    used = (total - before.get(kind, 0)) / hertz / (now - then)
                    writer.writerow([f"{now - started:.1f}", kind, f"{max(used, 0):.3f}",
                                     f"{os.getloadavg()[0]:.2f}"])
                out.flush()
                before, then = ticks, now

    def stop(self) -> None:
        self.done.set()
        self.join()


def cpu_summary(path: Path) -> list[str]:
    """Mean and peak cores per kind of process over a plan, busiest first."""
    samples: dict[str, list[float]] = {}
    loads = []
    with path.open(newline="") as source:
        for row in csv.DictReader(source):
            samples.setdefault(row["kind"], []).append(float(row["cores"]))
            loads.append(float(row["load_average"]))
    rows = sorted(samples.items(), key=lambda item: -statistics.mean(item[1]))
    return [f"CPU by kind of process ({path.name}; load average {min(loads, default=0):.1f}–"
            f"{max(loads, default=0):.1f}):", "", "| process | mean cores | peak cores |", "|---|---|---|",
            *[f"| {kind} | {statistics.mean(cores):.2f} | {max(cores):.2f} |" for kind, cores in rows], ""]


def prepare_accounts(count: int, path: Path) -> None:
    """The load accounts, made once (reused while the file lists enough of them)."""
    if path.exists() and len(path.read_text().split()) >= count:
        return
    subprocess.run([str(ROOT / "scripts" / "flask"), "seed", "accounts", "--count", str(count), "--out",
                    str(path), "--yes-i-mean-production"], check=True, cwd=ROOT)


def run_plan(name: str, host: str, out: Path, scale: float, accounts: Path,
             pidfile: Path) -> tuple[int, list[str], list[str]]:
    """One plan, headless, with the CPU sampled (``<plan>_cpu.csv``); its exit code, summary rows and
    CPU table."""
    prefix = out / name
    env = {**os.environ, "LOAD_TIME_SCALE": str(scale), "LOAD_ACCOUNTS": str(accounts)}
    command = [sys.executable, "-m", "locust", "-f", PLANS[name], "--headless", "--host", host, "--csv",
               str(prefix), "--csv-full-history", "--html", f"{prefix}.html", "--only-summary",
               "--loglevel", "INFO", "--logfile", f"{prefix}.log"]
    started = time.monotonic()
    sampler = CpuSampler(Path(f"{prefix}_cpu.csv"), pidfile)
    sampler.start()
    try:
        code = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False).returncode
    finally:
        sampler.stop()
    minutes = (time.monotonic() - started) / 60
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            rows.append(f"| {name} | {row['Type']} {row['Name']} | {row['Request Count']} | "
                        f"{row['Failure Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | "
                        f"{row['95%']} | {row['99%']} |")
    peak, knee = history_points(Path(f"{prefix}_stats_history.csv"))
    rows.append(f"| {name} | **{'PASS' if code == 0 else 'FAIL'}** (exit {code}), {minutes:.1f} min | peak "
                f"{peak} users | first p95 > {KNEE_MS} ms: {knee} | | | | |")
    return code, rows, [f"### {name}", "", *cpu_summary(Path(f"{prefix}_cpu.csv"))]


def history_points(path: Path) -> tuple[int, str]:
    """The run's peak user count, and the first user count at which the aggregated p95 exceeded KNEE_MS."""
    peak, knee = 0, "never"
    with open(path, newline="") as history:
        for row in csv.DictReader(history):
            if row["Name"] != "Aggregated":
                continue
            users = int(row["User Count"])
            peak = max(peak, users)
            if knee == "never" and row["95%"] not in ("N/A", "0") and float(row["95%"]) > KNEE_MS:
                knee = f"{users} users (t = {row['Timestamp']})"
    return peak, knee


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="http://127.0.0.1:8080", help="the stack's Nginx (loopback only)")
    parser.add_argument("--plans", default="smoke,web_ramp", help=f"comma-separated: {', '.join(PLANS)}")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply every plan's durations")
    parser.add_argument("--wrk-seconds", type=int, default=15, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--accounts", type=int, default=300, help="load accounts to make up front")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the wrk comparison")
    parser.add_argument("--reads", type=lambda text: [read for read in READS if read[0] in text.split(",")],
                        default=READS, help="only these of the API's paths (comma-separated), e.g. "
                        "/api/public/rankings,/api/public/videos")
    parser.add_argument("--pidfile", type=Path, default=ROOT / "var" / "app" / "gunicorn.pid",
                        help="the API's gunicorn pid file (for its CPU per answer)")
    args = parser.parse_args()
    if urlparse(args.host).hostname not in ("127.0.0.1", "localhost"):
        parser.error("only a loopback host may be load-tested")
    plans = [plan for plan in args.plans.split(",") if plan]
    if unknown := set(plans) - PLANS.keys():
        parser.error(f"unknown plans: {', '.join(sorted(unknown))}")
    out = ROOT / "var" / "capacity" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True)
    report = [f"# Capacity run {out.name} against {args.host}", "",
              f"load average at start: {os.getloadavg()[0]:.2f} (2 cores, shared)", ""]
    if not args.no_ceiling:
        table = ceiling_table(args.host, args.wrk_seconds, args.connections, args.pidfile, args.reads)
        report += ["## HTTP ceiling", "", *table, ""]
    failed = False
    if plans:
        accounts = ROOT / "var" / "load" / "accounts.txt"
        prepare_accounts(args.accounts, accounts)
        report += ["## Plans", "", f"LOAD_TIME_SCALE={args.time_scale}", "",
                   "| plan | request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
                   "|---|---|---|---|---|---|---|---|"]
        cpu_tables: list[str] = []
        for plan in plans:
            code, rows, cpu_table = run_plan(plan, args.host, out, args.time_scale, accounts, args.pidfile)
            failed |= code != 0
            report += rows
            cpu_tables += cpu_table
        report += ["", "## CPU while the plans ran", "", *cpu_tables]
    report += ["", f"load average at the end: {os.getloadavg()[0]:.2f}"]
    text = "\n".join(report) + "\n"
    (out / "report.md").write_text(text)
    print(text)
    print(f"CSV, HTML and logs: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
