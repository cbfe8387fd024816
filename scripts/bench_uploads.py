"""The uploads plan against a running stack (scripts/up): do uploads hold reads up, and does the API's
memory stay flat while 50 MB videos stream in?

Usage: .venv/bin/python scripts/bench_uploads.py [--host http://127.0.0.1:8080] [--readers 10]
           [--time-scale 0.5] [--concurrent 20] [--each 1] [--api-pid PID]
Three runs of locustfiles/plan_uploads.py (headless, CSV and HTML like scripts/bench_capacity.py), in
var/capacity/<stamp>/uploads-*/, each with the same anonymous readers:

1. ``reads-alone``: no uploader; the reads' p95 without uploads (and the API's workers warmed up);
2. ``concurrent``: ``--concurrent`` players starting a 50 MB upload at the same moment (``--each`` each);
   it ends when every one has finished (at most the plan's full 3 minutes, whatever the time scale).
   Every gunicorn worker serves its first uploads here, so its RSS includes that warm-up;
3. ``plan``: the assignment's plan, 2 players uploading a 50 MB video without pause for 3 min × time
   scale, on warmed workers: its RSS shows whether memory stays flat as uploads keep coming.

The API's RSS (gunicorn's master and workers, from /proc; the master's pid from supervisorctl unless
``--api-pid``; their ffprobe/ffmpeg children apart) is sampled once a second in runs 2 and 3 (rss.csv
beside each run). The uploads make the
stack's workers busy: every accepted upload is a processing chain. Only loopback hosts are accepted.
Prints a Markdown table (also report.md); exits non-zero if a run missed its pass criteria.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from bench_capacity import prepare_accounts, run_plan
from bench_workers import bench_clip

ROOT = Path(__file__).resolve().parent.parent
#: Seconds of the phone-like 1080x1920 clip that weighs about 50 MB.
UPLOAD_SECONDS = 25


def gunicorn_pid() -> int:
    """The stack's gunicorn master, as its supervisord knows it."""
    env = {**os.environ, "ANB_ROOT": str(ROOT), "ANB_VAR": str(ROOT / "var")}
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c",
                             str(ROOT / "config" / "supervisord.conf"), "pid", "gunicorn"],
                            capture_output=True, text=True, env=env, check=True)
    return int(result.stdout.strip())


def run(name: str, host: str, out: Path, scale: float, accounts: Path, settings: dict[str, str]) -> dict:
    """One run of the uploads plan with these LOAD_* settings; its summary, exit code and rows."""
    folder = out / f"uploads-{name}"
    folder.mkdir(parents=True)
    os.environ.update(settings, LOAD_SUMMARY=str(folder / "summary.json"),
                      LOAD_RSS_CSV=str(folder / "rss.csv"))
    # The read pool's CPU is sampled (bench_capacity.CpuSampler); uploads have a pool of their own.
    code, rows, _cpu = run_plan("uploads", host, folder, scale, accounts,
                                ROOT / "var" / "app" / "gunicorn.pid")
    summary = json.loads((folder / "summary.json").read_text())
    rows = [row.replace("| uploads |", f"| {name} |", 1) for row in rows]
    return {"name": name, "code": code, "rows": rows, "load": os.getloadavg()[0], **summary}


def table(runs: list[dict]) -> list[str]:
    """One line per run: uploads, reads and the API's memory."""
    lines = ["| run | uploaders | uploads (failed) | upload p50 / p95 ms | reads (failed) "
             "| read p50 / p95 ms | API RSS start → max MB (growth) | API children: max RSS MB (n) "
             "| load avg after | result |", "|---|---|---|---|---|---|---|---|---|---|"]
    for item in runs:
        rss = (f"{item['rss_start_mb']:.0f} → {item['rss_max_mb']:.0f} ({item['rss_growth_mb']:+.0f})"
               if "rss_growth_mb" in item else "–")
        helpers = (f"{item['helpers_rss_max_mb']:.0f} ({item['helpers_max']})" if "helpers_max" in item
                   else "–")
        lines.append(f"| {item['name']} | {item['uploaders']} | {item['uploads']} "
                     f"({item['upload_failures']}) | {item['upload_p50_ms']} / {item['upload_p95_ms']} | "
                     f"{item['reads']} ({item['read_failures']}) | {item['read_p50_ms']} / "
                     f"{item['read_p95_ms']} | {rss} | {helpers} | "
                     f"{item['load']:.1f} | **{'PASS' if item['code'] == 0 else 'FAIL'}** |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="http://127.0.0.1:8080", help="the stack's Nginx (loopback only)")
    parser.add_argument("--readers", type=int, default=10, help="anonymous readers in every run")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply the plan's 3 minutes")
    parser.add_argument("--concurrent", type=int, default=20, help="uploaders of the concurrent run")
    parser.add_argument("--each", type=int, default=1, help="uploads per uploader in the concurrent run")
    parser.add_argument("--api-pid", type=int, help="gunicorn's master (default: from supervisorctl)")
    args = parser.parse_args()
    if urlparse(args.host).hostname not in ("127.0.0.1", "localhost"):
        parser.error("only a loopback host may be load-tested")
    out = ROOT / "var" / "capacity" / time.strftime("%Y%m%d-%H%M%S")
    accounts = ROOT / "var" / "load" / "accounts.txt"
    prepare_accounts(max(args.concurrent, 2), accounts)
    clip = bench_clip(ROOT / "var" / "bench", UPLOAD_SECONDS)
    api_pid = str(args.api_pid or gunicorn_pid())
    common = {"LOAD_UPLOAD_FILE": str(clip), "LOAD_READERS": str(args.readers)}
    runs = [run("reads-alone", args.host, out, args.time_scale, accounts,
                {**common, "LOAD_UPLOADERS": "0", "LOAD_UPLOADS_EACH": "0", "LOAD_API_PID": "0"}),
            run("concurrent", args.host, out, 1.0, accounts,
                {**common, "LOAD_UPLOADERS": str(args.concurrent), "LOAD_UPLOADS_EACH": str(args.each),
                 "LOAD_API_PID": api_pid}),
            run("plan", args.host, out, args.time_scale, accounts,
                {**common, "LOAD_UPLOADERS": "2", "LOAD_UPLOADS_EACH": "0", "LOAD_API_PID": api_pid})]
    report = [f"# Uploads run {out.name} against {args.host}", "",
              f"{clip.stat().st_size / 1e6:.1f} MB clip ({UPLOAD_SECONDS} s 1080x1920, phone bitrate), "
              f"{args.readers} readers, LOAD_TIME_SCALE={args.time_scale}, 2 cores (shared)", "",
              *table(runs), "", "| run | request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
              "|---|---|---|---|---|---|---|---|", *[row for item in runs for row in item["rows"]]]
    text = "\n".join(report) + "\n"
    (out / "report.md").write_text(text)
    print(text)
    print(f"CSV, HTML, RSS samples and logs: {out}")
    return 1 if any(item["code"] for item in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
