"""The multi-host run through scripts/cluster's load balancer (docs/scale-out.md, "Multi-host").

1. The README's walkthrough against the load balancer: health, sign-up, login, profile, an upload (a clip
   made by anb/media/synthetic.py), its processing by the worker hosts, the processed file and the
   original fetched from the object store by their presigned URLs, another player's vote, the ranking.
2. Throughput of the web mix without think time (locustfiles/cluster.py BusyFan; same users, same seconds):
   with both API hosts, then with api2 killed; api2 is started again afterwards.
3. Failover: the web mix with think time (WebFan) for --seconds while a thread keeps uploading; at a third
   of the run every process of api1 is killed, then every process of wrk1 as soon as it holds a job (its
   workers' logs say which). Reported: the failed requests and the window they fall in, whether every
   accepted upload ends `processed`, and whether wrk2 finished the jobs wrk1 held (unacknowledged: RabbitMQ
   redelivers them). Every host is started again at the end.

Usage (the cluster up, with raised rate limits, since every simulated user comes from 127.0.0.1):
    RATELIMIT_ENABLED=false scripts/cluster up
    .venv/bin/python scripts/bench_cluster.py [--users 40] [--seconds 90] [--busy-users 24]
        [--busy-seconds 30] [--accounts 500] [--uploads-every 10]
Every loop is bounded; only the cluster's load balancer (127.0.0.1) and the services host are addressed.
Prints Markdown (also var/cluster-bench/<stamp>/report.md); exits non-zero if a check failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

from anb.media.synthetic import make_clip

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "scripts" / "cluster"
PASSWORD = "cluster-pass-1"
#: How long a video may take from upload to `processed` on the shared machine before the run calls it lost.
PROCESSING_SECONDS = 600
WORKING_HOSTS = ("api1", "api2", "wrk1", "wrk2")


def cluster(*args: str) -> str:
    """Run scripts/cluster with these arguments; its output."""
    return subprocess.run([str(CLUSTER), *args], check=True, capture_output=True, text=True,
                          timeout=300).stdout


def settings() -> dict[str, str]:
    """The running cluster's settings (scripts/cluster env)."""
    pairs = (line.split("=", 1) for line in cluster("env").splitlines() if "=" in line)
    return {key: value.strip('"') for key, value in pairs}


def wait_until(check, seconds: float, what: str, every: float = 1.0):
    """Poll ``check`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise SystemExit(f"{what} did not happen within {seconds:.0f} s")


class Player:
    """One player signed up and logged in through the load balancer."""

    def __init__(self, api: str, city: str = "Bogotá") -> None:
        self.api, self.email = api, f"cluster-{uuid.uuid4().hex[:12]}@example.com"
        body = {"first_name": "Ana", "last_name": "Pérez", "email": self.email, "password1": PASSWORD,
                "password2": PASSWORD, "city": city, "country": "Colombia"}
        expect(requests.post(f"{api}/auth/signup", json=body, timeout=30), 201, "sign-up")
        login = expect(requests.post(f"{api}/auth/login", json={"email": self.email, "password": PASSWORD},
                                     timeout=30), 200, "login")
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    def upload(self, clip: Path, title: str) -> requests.Response:
        with clip.open("rb") as file:
            return requests.post(f"{self.api}/videos/upload", headers=self.headers, data={"title": title},
                                 files={"video_file": (clip.name, file, "video/mp4")}, timeout=120)

    def video(self, video_id: str) -> dict:
        return expect(requests.get(f"{self.api}/videos/{video_id}", headers=self.headers, timeout=30), 200,
                      "video detail").json()


def expect(response: requests.Response, status: int, what: str) -> requests.Response:
    if response.status_code != status:
        raise SystemExit(f"{what}: expected {status}, got {response.status_code}: {response.text[:300]}")
    return response


def walkthrough(api: str, clip: Path) -> list[str]:
    """The README's curl walkthrough, every answer checked; the lines of the report."""
    started = time.monotonic()
    expect(requests.get(f"{api}/health", timeout=30), 200, "health")
    expect(requests.get(f"{api}/health/live", timeout=30), 200, "liveness")
    ana, fan = Player(api), Player(api, "Cali")
    expect(requests.get(f"{api}/auth/me", headers=ana.headers, timeout=30), 200, "profile")
    expect(requests.patch(f"{api}/auth/me", headers=ana.headers, json={"city": "Medellín"}, timeout=30), 200,
           "profile change")
    video_id = expect(ana.upload(clip, "Mi mejor jugada"), 201, "upload").json()["video_id"]
    uploaded = time.monotonic()
    video = wait_until(lambda: (v := ana.video(video_id))["status"] == "processed" and v, PROCESSING_SECONDS,
                       f"video {video_id} processed", every=2)
    processed = time.monotonic()
    media = expect(requests.get(video["processed_url"], timeout=60), 200, "processed file (presigned URL)")
    original = requests.get(f"{api}/videos/{video_id}/original", headers=ana.headers, timeout=60,
                            allow_redirects=False)
    expect(original, 302, "original (redirect to the store)")
    original_bytes = expect(requests.get(original.headers["Location"], timeout=60), 200, "original").content
    if original_bytes != clip.read_bytes():
        raise SystemExit("the original from the store differs from the uploaded clip")
    expect(requests.post(f"{api}/public/videos/{video_id}/vote", headers=fan.headers, timeout=30), 200,
           "vote")
    wait_until(lambda: any(row["votes"] >= 1 for row in expect(requests.get(
        f"{api}/public/rankings", params={"city": "medellin"}, timeout=30), 200, "ranking").json()), 5,
        "the vote in the ranking", every=0.5)
    expect(requests.delete(f"{api}/public/videos/{video_id}/vote", headers=fan.headers, timeout=30), 200,
           "vote withdrawn")
    return [f"- walkthrough through the load balancer: every answer as the contract says; upload to "
            f"`processed` in {processed - uploaded:.0f} s; processed file {len(media.content):,} bytes "
            f"and the original ({len(original_bytes):,} bytes, identical) fetched from the store by "
            f"presigned URLs; vote counted in the ranking; {time.monotonic() - started:.0f} s in all"]


def prepare_accounts(env: dict[str, str], count: int, out: Path) -> Path:
    """Load accounts made up front in the cluster's database (flask seed accounts, run on api1)."""
    path = out / "accounts.txt"
    command = ["ip", "netns", "exec", "anb-api1", str(ROOT / ".venv" / "bin" / "flask"), "seed", "accounts",
               "--count", str(count), "--out", str(path), "--yes-i-mean-production"]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, timeout=300,
                   env={**os.environ, **env, "FLASK_APP": "wsgi", "PYTHONPATH": str(ROOT)})
    return path


def locust(url: str, user_class: str, users: int, seconds: int, prefix: Path, accounts: Path,
           failures: Path | None = None) -> subprocess.Popen:
    """Start a headless Locust run of locustfiles/cluster.py (bounded by --run-time)."""
    env = {**os.environ, "LOAD_ACCOUNTS": str(accounts), "PYTHONPATH": str(ROOT)}
    if failures:
        env["LOAD_FAILURE_LOG"] = str(failures)
    command = [sys.executable, "-m", "locust", "-f", "locustfiles/cluster.py", user_class, "--headless",
               "--host", url, "--users", str(users), "--spawn-rate", str(max(1, users // 5)), "--run-time",
               f"{seconds}s", "--stop-timeout", "5", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", "--logfile", f"{prefix}.log"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def totals(prefix: Path) -> dict[str, float]:
    """The aggregated row of a Locust run: requests, failures, req/s, p50 and p95 (ms)."""
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": float(row["50%"]), "p95": float(row["95%"])}


def throughput(url: str, users: int, seconds: int, out: Path, accounts: Path) -> list[str]:
    """The busy mix with two API hosts, then one (api2 killed, then started again)."""
    rows = []
    for hosts in (2, 1):
        if hosts == 1:
            cluster("kill", "api2")
        prefix = out / f"busy-{hosts}-hosts"
        load = os.getloadavg()[0]
        locust(url, "BusyFan", users, seconds, prefix, accounts).wait(timeout=seconds + 120)
        result = totals(prefix)
        rows.append(f"| {hosts} | {users} | {result['requests']} | {result['failures']} | "
                    f"{result['rps']:.1f} | {result['p50']:.0f} | {result['p95']:.0f} | {load:.1f} |")
    cluster("start", "api2")  # returns once api2 answers
    return ["| API hosts | users (no think time) | requests | failures | req/s | p50 ms | p95 ms | "
            "load avg at start |", "|---|---|---|---|---|---|---|---|", *rows]


class Uploader(threading.Thread):
    """Uploads the clip every ``every`` seconds until stopped, as its own player; keeps every answer."""

    def __init__(self, api: str, clip: Path, every: float) -> None:
        super().__init__(daemon=True)
        self.player, self.clip, self.every = Player(api), clip, every
        self.accepted: list[str] = []
        self.refused: list[tuple[float, str]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        for number in range(1000):  # bounded; stopped long before
            if self.stopping.is_set():
                return
            try:
                response = self.player.upload(self.clip, f"Jugada {number}")
                if response.status_code == 201:
                    self.accepted.append(response.json()["video_id"])
                else:
                    self.refused.append((time.time(), f"{response.status_code} {response.text[:80]}"))
            except requests.RequestException as error:
                self.refused.append((time.time(), type(error).__name__))
            self.stopping.wait(self.every)


def failover(api: str, url: str, clip: Path, users: int, seconds: int, every: float, out: Path,
             accounts: Path) -> tuple[list[str], bool]:
    """The web mix and the uploads while api1, then wrk1, are killed; the report's lines and whether it
    passed (failures within a few seconds of the kill, every accepted upload processed)."""
    failures = out / "failures.jsonl"
    prefix = out / "failover"
    uploader = Uploader(api, clip, every)
    swarm = locust(url, "WebFan", users, seconds, prefix, accounts, failures)
    uploader.start()
    time.sleep(seconds / 3)
    api_killed = time.time()
    cluster("kill", "api1")
    stale = set(unfinished_jobs("wrk1"))  # a previous run's kill left these in the log
    held = wait_until(lambda: [job for job in unfinished_jobs("wrk1") if job not in stale], 90,
                      "a job in wrk1's hands", every=0.5)
    worker_killed = time.time()
    cluster("kill", "wrk1")
    swarm.wait(timeout=seconds + 120)
    uploader.stopping.set()
    uploader.join(timeout=150)
    result = totals(prefix)
    failed = [json.loads(line) for line in failures.read_text().splitlines()] if failures.exists() else []
    times = sorted(entry["time"] for entry in failed) + sorted(when for when, _ in uploader.refused)
    window = (f"{times[0] - api_killed:+.1f} s to {times[-1] - api_killed:+.1f} s after api1 was killed"
              if times else "none")
    started = time.monotonic()
    states = wait_until(lambda: _all_settled(uploader), PROCESSING_SECONDS, "every accepted upload settled",
                        every=3)
    processed = sum(state == "processed" for state in states.values())
    lost = len(uploader.accepted) - processed
    span = (times[-1] - times[0]) if times else 0.0
    taken_over = {job for job, _ in held} & finished_jobs("wrk2")
    passed = lost == 0 and span <= 5 and len(taken_over) == len(held)
    lines = [
        f"- web mix: {users} users (think time 1–5 s) for {seconds} s; api1 killed at {seconds / 3:.0f} s, "
        f"wrk1 killed {worker_killed - api_killed:.1f} s later, holding {len(held)} unacknowledged job(s) "
        f"({', '.join(stage for _, stage in held)}); finished by wrk2 afterwards: {len(taken_over)}",
        f"- requests: {result['requests']}, failed: {result['failures']} "
        f"({', '.join(sorted({entry['request'] for entry in failed})) or 'none'}); uploads refused: "
        f"{len(uploader.refused)} ({'; '.join(reason for _, reason in uploader.refused) or 'none'})",
        f"- failure window: {window} (span {span:.1f} s); p50 {result['p50']:.0f} ms, "
        f"p95 {result['p95']:.0f} ms",
        f"- uploads accepted: {len(uploader.accepted)}; processed: {processed}; lost: **{lost}** (all "
        f"settled {time.monotonic() - started:.0f} s after the run; states: {_count(states)})",
    ]
    return lines, passed


JOB_LINE = re.compile(r"Task tasks\.(\w+)\.\w+\[([0-9a-f-]+)\] (received|succeeded|failed|retry)")


def job_events(host: str) -> list[tuple[str, str, str]]:
    """(job id, stage, event) from the Celery workers' logs of a worker host, in order per worker."""
    events = []
    for log in sorted((ROOT / "var" / "cluster" / host / "log").glob("worker-*.log")):
        events += [(job, stage, event) for stage, job, event in JOB_LINE.findall(log.read_text())]
    return events


def unfinished_jobs(host: str) -> list[tuple[str, str]]:
    """The jobs a worker host has received and not finished: what a crash leaves unacknowledged."""
    held: dict[str, str] = {}
    for job, stage, event in job_events(host):
        if event == "received":
            held[job] = stage
        else:
            held.pop(job, None)
    return list(held.items())


def finished_jobs(host: str) -> set[str]:
    return {job for job, _, event in job_events(host) if event == "succeeded"}


def _all_settled(uploader: Uploader) -> dict[str, str] | None:
    states = {video_id: uploader.player.video(video_id)["status"] for video_id in uploader.accepted}
    return states if all(state in ("processed", "failed") for state in states.values()) else None


def _count(states: dict[str, str]) -> str:
    values = list(states.values())
    return ", ".join(f"{state} {values.count(state)}" for state in sorted(set(values)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=40, help="failover run: web-mix users")
    parser.add_argument("--seconds", type=int, default=90, help="failover run: length")
    parser.add_argument("--uploads-every", type=float, default=10,
                        help="failover run: seconds between uploads")
    parser.add_argument("--busy-users", type=int, default=24,
                        help="throughput runs: users without think time")
    parser.add_argument("--busy-seconds", type=int, default=30, help="throughput runs: length of each")
    parser.add_argument("--accounts", type=int, default=500, help="load accounts made up front")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: walkthrough,throughput")
    args = parser.parse_args()
    env = settings()
    url = env["CLUSTER_URL"]
    api = f"{url}/api"
    out = ROOT / "var" / "cluster-bench" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True)
    for host in WORKING_HOSTS:
        cluster("start", host)  # a host a previous run killed
    clip = make_clip(out / "clip.mp4", 1080, 1920, 21, audio=True)
    skip = set(args.skip.split(","))
    report = [f"# Cluster run {out.name} ({url}; 2 cores shared, load average at start "
              f"{os.getloadavg()[0]:.1f})", ""]
    if "walkthrough" not in skip:
        report += ["## Walkthrough", "", *walkthrough(api, clip), ""]
    accounts = prepare_accounts(env, args.accounts, out)
    if "throughput" not in skip:
        report += ["## Throughput: 2 API hosts against 1", "",
                   *throughput(url, args.busy_users, args.busy_seconds, out, accounts), ""]
    lines, passed = failover(api, url, clip, args.users, args.seconds, args.uploads_every, out, accounts)
    report += ["## Failover: api1 and wrk1 killed mid-run", "", *lines, "",
               f"**{'PASS' if passed else 'FAIL'}** (no accepted upload lost, wrk1's jobs finished by wrk2, "
               "failures within 5 s)"]
    text = "\n".join(report) + "\n"
    for host in WORKING_HOSTS:
        cluster("start", host)
    (out / "report.md").write_text(text)
    print(text)
    print(f"Locust CSV and logs: {out}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
