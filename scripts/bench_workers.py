"""Worker capacity of the processing chain, with jobs injected straight into the queues (no HTTP).

Usage (after ./scripts/up, which wrote .env):
  .venv/bin/python scripts/bench_workers.py [--videos 6] [--vhost anb_bench]
      compares layouts: one worker per queue vs one worker on every queue;
  .venv/bin/python scripts/bench_workers.py --burst [--sizes 50,100] [--per-queue 1,2,4] [--videos 4]
      the workers plan: for each input size (a phone-like 1080x1920 clip of about that many MB) and each
      number of workers per queue (one Celery worker per queue with that concurrency), a burst of
      ``--videos`` jobs published at once; videos/min, videos/min per core and each video's enqueue ->
      `processed` time (p50, p95), into var/capacity/<stamp>/workers.csv (the path is printed).
It runs its own workers on a RabbitMQ vhost of its own (``--vhost``), against the database and media root of
.env, with a bench account whose videos it deletes at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VHOST = "anb_bench"
#: Nominal input size (MB) -> seconds of a phone-like 1080x1920 clip (~2 MB/s, the camera's 16 Mb/s).
BURST_CLIPS = {50: 25, 100: 48}
#: A burst that has not finished by then is reported as a failure, not waited for.
BURST_TIMEOUT_SECONDS = 30 * 60
WORKERS_CSV_COLUMNS = ("size_mb", "workers_per_queue", "videos", "videos_per_min", "videos_per_min_per_core",
                       "enqueue_to_processed_p50_s", "enqueue_to_processed_p95_s")


@dataclass
class Batch:
    """One burst: its wall time (first enqueue -> last video done), each video's enqueue -> done time."""

    elapsed_s: float
    latencies_s: list[float]
    failed: int

    @property
    def videos_per_min(self) -> float:
        """Throughput of the whole burst."""
        return len(self.latencies_s) / self.elapsed_s * 60

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile of the enqueue -> processed times."""
        ordered = sorted(self.latencies_s)
        return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def layouts() -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """Layout name -> one (queues, concurrency) per worker process (read after load_env: config reads env)."""
    from config import PIPELINE_QUEUES

    return {
        "per-queue (up's layout)": per_queue(1),
        "one worker, all queues, -c 2": [(PIPELINE_QUEUES, 2)],
    }


def load_env(vhost: str) -> None:
    """Use the running system's settings, with the broker moved to the bench's own vhost."""
    for line in (ROOT / ".env").read_text().splitlines():
        name, _, value = line.partition("=")
        if name and not name.startswith("#"):
            os.environ.setdefault(name, value.strip('"'))
    os.environ["BROKER_URL"] = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    subprocess.run(f"rabbitmqctl -q list_vhosts | grep -qx {vhost} || rabbitmqctl -q add_vhost {vhost}; "
                   f"rabbitmqctl -q set_permissions -p {vhost} guest '.*' '.*' '.*'", shell=True, check=True)


def per_queue(concurrency: int) -> list[tuple[tuple[str, ...], int]]:
    """One worker per pipeline queue, each running ``concurrency`` jobs at once."""
    from config import PIPELINE_QUEUES

    return [((queue,), concurrency) for queue in PIPELINE_QUEUES]


def start_workers(layout: list[tuple[tuple[str, ...], int]]) -> list[subprocess.Popen]:
    """Start the layout's workers and wait until each is ready."""
    workers = []
    for index, (queues, concurrency) in enumerate(layout):
        log_path = ROOT / "var" / "log" / f"bench-worker-{index}.log"
        with log_path.open("w") as log:
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "celery_worker", "worker", "-Q", ",".join(queues),
                 "-c", str(concurrency), "-n", f"bench{index}-{uuid.uuid4().hex[:6]}@%h", "--without-mingle",
                 "--without-gossip", "--loglevel", "INFO"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    for index in range(len(layout)):
        while "ready." not in (ROOT / "var" / "log" / f"bench-worker-{index}.log").read_text():
            time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    """Warm shutdown of every worker."""
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=120)


def run_layout(owner, clip: Path, count: int) -> Batch:
    """Store ``count`` copies of ``clip``, publish their chains at once and wait until each is done."""
    from anb.extensions import db
    from anb.models import Video, VideoStatus
    from anb.storage import get_storage
    from anb.videos import keys
    from tasks import pipeline

    storage, videos = get_storage(), []
    for number in range(count):
        key = keys.original_key()
        with clip.open("rb") as source:
            storage.save(key, source)
        videos.append(Video(owner=owner, title=f"bench {number}", original_key=key))
    db.session.add_all(videos)
    db.session.commit()
    enqueued, done, failed = {}, {}, 0
    for video in videos:
        enqueued[video.id] = time.monotonic()
        pipeline.start(video.id, video.original_key)
    deadline = enqueued[videos[0].id] + BURST_TIMEOUT_SECONDS
    while len(done) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count - len(done)} of {count} videos not done in {BURST_TIMEOUT_SECONDS} s")
        db.session.rollback()
        rows = db.session.execute(db.select(Video.id, Video.status).where(Video.id.in_(enqueued))).all()
        now = time.monotonic()
        for video_id, state in rows:
            if video_id not in done and state in (VideoStatus.PROCESSED, VideoStatus.FAILED):
                done[video_id] = now
                failed += state == VideoStatus.FAILED
        time.sleep(0.25)
    if failed:
        print(f"  warning: {failed} video(s) failed")
    latencies = [done[video_id] - enqueued[video_id] for video_id in done]
    return Batch(max(done.values()) - min(enqueued.values()), latencies, failed)


def bench_clip(folder: Path, seconds: int = 34) -> Path:
    """A phone clip (1080x1920, camera bitrate, with audio) of ``seconds``, generated once."""
    from anb.media.synthetic import make_clip

    clip = folder / f"phone-{seconds}s.mp4"
    if not clip.exists():
        folder.mkdir(parents=True, exist_ok=True)
        make_clip(clip, 1080, 1920, seconds, phone_like=True)
    return clip


def compare_layouts(owner, videos: int) -> None:
    """Every layout on the same batch of 34 s clips: wall time and throughput."""
    clip = bench_clip(ROOT / "var" / "bench")
    print(f"{videos} videos of 34 s 1080x1920 per layout, {os.cpu_count()} cores")
    for name, layout in layouts().items():
        batch = with_workers(layout, partial(run_layout, owner, clip, videos))
        print(f"  {name:32s} {batch.elapsed_s:6.1f} s  ({batch.videos_per_min:.1f} videos/min)")


def with_workers(layout: list[tuple[tuple[str, ...], int]], work: Callable[[], Batch]) -> Batch:
    """Run ``work()`` while the layout's workers are up; they are stopped whatever happens."""
    workers = start_workers(layout)
    try:
        return work()
    finally:
        stop_workers(workers)


def burst(owner, sizes: list[int], per_queue_counts: list[int], videos: int) -> Path:
    """The workers plan: one burst per (input size, workers per queue); rows into workers.csv."""
    out = ROOT / "var" / "capacity" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    path, cores = out / "workers.csv", os.cpu_count() or 1
    print(f"bursts of {videos} videos, {cores} cores, load average {os.getloadavg()[0]:.2f} at start")
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(WORKERS_CSV_COLUMNS)
        for size in sizes:
            clip = bench_clip(ROOT / "var" / "bench", BURST_CLIPS[size])
            for count in per_queue_counts:
                batch = with_workers(per_queue(count), partial(run_layout, owner, clip, videos))
                row = (size, count, videos, round(batch.videos_per_min, 2),
                       round(batch.videos_per_min / cores, 2), round(batch.percentile(0.5), 1),
                       round(batch.percentile(0.95), 1))
                writer.writerow(row)
                file.flush()
                print(f"  {size} MB ({clip.stat().st_size / 1e6:.0f} MB, {BURST_CLIPS[size]} s), {count} per "
                      f"queue: {batch.elapsed_s:6.1f} s, {row[3]} videos/min ({row[4]} per core), enqueue -> "
                      f"processed p50 {row[5]} s, p95 {row[6]} s, load {os.getloadavg()[0]:.2f}"
                      + (f", {batch.failed} FAILED" if batch.failed else ""))
    return path


def main() -> None:
    """Run the layout comparison or the bursts, then remove the bench account and its videos."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--videos", type=int, default=6, help="videos per layout or per burst")
    parser.add_argument("--vhost", default=VHOST, help="the bench's own RabbitMQ vhost")
    parser.add_argument("--burst", action="store_true", help="the workers plan (sizes x workers per queue)")
    parser.add_argument("--sizes", default="50,100", help=f"input sizes in MB, of {sorted(BURST_CLIPS)}")
    parser.add_argument("--per-queue", default="1,2,4", help="workers per queue, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if unknown := set(sizes) - BURST_CLIPS.keys():
        parser.error(f"no clip for sizes {sorted(unknown)}")
    load_env(args.vhost)
    from anb import create_app
    from anb.extensions import db
    from anb.models import User

    app = create_app()
    with app.app_context():
        owner = User(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password_hash="!", first_name="Bench",
                     last_name="Workers", city="Bogotá", country="Colombia")
        db.session.add(owner)
        db.session.commit()
        try:
            if args.burst:
                path = burst(owner, sizes, [int(count) for count in args.per_queue.split(",")], args.videos)
                print(f"CSV: {path}")
            else:
                compare_layouts(owner, args.videos)
        finally:
            cleanup(owner)


def cleanup(owner) -> None:
    """Delete the bench account's videos, their files and the account."""
    from anb.extensions import db
    from anb.models import Video
    from anb.storage import get_storage
    from anb.videos import keys

    storage = get_storage()
    for video in db.session.execute(db.select(Video).where(Video.owner_id == owner.id)).scalars():
        for key in keys.video_keys(video.original_key, video.id):
            storage.delete(key)
    db.session.delete(owner)
    db.session.commit()


if __name__ == "__main__":
    main()
