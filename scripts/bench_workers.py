"""Compare worker layouts for the processing chain: one worker per queue vs one worker on every queue.

Usage (after ./scripts/up, which wrote .env): .venv/bin/python scripts/bench_workers.py [--videos 6]
It runs its own workers on a RabbitMQ vhost of its own (anb_bench), against the database and media root of
.env, with a bench account whose videos it deletes at the end. Prints the wall time until every video is
`processed` and the throughput, per layout.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VHOST = "anb_bench"


def layouts() -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """Layout name -> one (queues, concurrency) per worker process (read after load_env: config reads env)."""
    from config import PIPELINE_QUEUES

    return {
        "per-queue (up's layout)": [((queue,), 1) for queue in PIPELINE_QUEUES],
        "one worker, all queues, -c 2": [(PIPELINE_QUEUES, 2)],
    }


def load_env() -> None:
    """Use the running system's settings, with the broker moved to the bench vhost."""
    for line in (ROOT / ".env").read_text().splitlines():
        name, _, value = line.partition("=")
        if name and not name.startswith("#"):
            os.environ.setdefault(name, value)
    os.environ["BROKER_URL"] = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
    subprocess.run(f"rabbitmqctl -q list_vhosts | grep -qx {VHOST} || rabbitmqctl -q add_vhost {VHOST}; "
                   f"rabbitmqctl -q set_permissions -p {VHOST} guest '.*' '.*' '.*'", shell=True, check=True)


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


def run_layout(owner, clip: Path, count: int) -> float:
    """Enqueue ``count`` copies of ``clip`` and wait until all are processed; the wall time."""
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
    ids = [video.id for video in videos]
    started = time.monotonic()
    for video in videos:
        pipeline.start(video.id, video.original_key)
    while True:
        db.session.rollback()
        states = db.session.execute(db.select(Video.status).where(Video.id.in_(ids))).scalars().all()
        if all(state in (VideoStatus.PROCESSED, VideoStatus.FAILED) for state in states):
            break
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    failed = states.count(VideoStatus.FAILED)
    if failed:
        print(f"  warning: {failed} video(s) failed")
    return elapsed


def bench_clip(folder: Path) -> Path:
    """A 34 s 1080x1920 phone clip with audio (generated once)."""
    from anb.media.synthetic import make_clip

    clip = folder / "phone-34s.mp4"
    if not clip.exists():
        folder.mkdir(parents=True, exist_ok=True)
        make_clip(clip, 1080, 1920, 34, phone_like=True)
    return clip


def main() -> None:
    """Run every layout on the same batch and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--videos", type=int, default=6, help="videos per layout")
    args = parser.parse_args()
    load_env()
    from anb import create_app
    from anb.extensions import db
    from anb.models import User

    app = create_app()
    clip = bench_clip(ROOT / "var" / "bench")
    with app.app_context():
        owner = User(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password_hash="!", first_name="Bench",
                     last_name="Workers", city="Bogotá", country="Colombia")
        db.session.add(owner)
        db.session.commit()
        try:
            print(f"{args.videos} videos of 34 s 1080x1920 per layout, 2 cores")
            for name, layout in layouts().items():
                workers = start_workers(layout)
                try:
                    elapsed = run_layout(owner, clip, args.videos)
                finally:
                    stop_workers(workers)
                print(f"  {name:32s} {elapsed:6.1f} s  ({args.videos / elapsed * 60:.1f} videos/min)")
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
