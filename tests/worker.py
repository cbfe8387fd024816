"""A real Celery worker process for the pipeline tests, started and killed like an operator would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from anb.extensions import db
from anb.models import Video, VideoStatus
from anb.storage import get_storage
from anb.videos import keys
from config import MAINTENANCE_QUEUE, PIPELINE_QUEUES
from tests.helpers import stop_process_group

ROOT = Path(__file__).resolve().parent.parent
FINISHED = (VideoStatus.PROCESSED, VideoStatus.FAILED)


class Worker:
    """``celery worker`` on every pipeline queue, with the testing config, in its own process group."""

    def __init__(self, log_path: Path, env: dict[str, str] | None = None,
                 metrics_dir: Path | None = None) -> None:
        self.log_path = log_path
        self.env = env or {}
        self.metrics_dir = metrics_dir or log_path.parent / "metrics"
        self.process: subprocess.Popen | None = None
        self.starts = 0  # the log is appended to: each start waits for its own "ready."

    def start(self) -> None:
        """Start the worker and wait until it consumes."""
        self.metrics_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "ANB_ENV": "testing", "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
               **self.env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("a")
        self.starts += 1
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_worker", "worker",
             "-Q", ",".join((*PIPELINE_QUEUES, MAINTENANCE_QUEUE)),
             "-c", "1", "--without-mingle", "--without-gossip", "-n", f"test-{time.monotonic_ns()}@%h",
             "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while self.log_path.read_text().count("ready.") < self.starts:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test worker did not start; see {self.log_path}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crash or an OOM kill would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def kill_pool_child(self) -> None:
        """SIGKILL the pool process running the task, and what it started, leaving the worker itself."""
        for child in psutil.Process(self.process.pid).children():
            for process in (*child.children(recursive=True), child):
                process.kill()

    def stop(self) -> None:
        """Warm shutdown: let the current task finish."""
        stop_process_group(self.process)


def poll_video(video_id: int, done, timeout: float = 90, interval: float = 0.05) -> Video:
    """Re-read the video until ``done(video)`` holds (None counts as gone), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # a fresh snapshot: the worker commits in another connection
        video = db.session.get(Video, video_id, populate_existing=True)
        if done(video):
            return video
        if time.monotonic() > deadline:
            state = video and (video.status, video.processing_stage)
            raise AssertionError(f"video {video_id} stuck: {state}")
        time.sleep(interval)


def wait_until_finished(video_id: int, timeout: float = 90) -> Video:
    """The video once its chain has ended, processed or failed.

    A processed video's chain ends just after the video turns `processed`: its last step then drops the
    intermediates (a failed one drops them before), so this also waits until none is left."""
    return poll_video(video_id, lambda video: video is not None and video.status in FINISHED
                      and (video.status is VideoStatus.FAILED or not _work_left(video_id)), timeout)


def _work_left(video_id: int) -> bool:
    return next(iter(get_storage().list(keys.work_prefix(video_id))), None) is not None


def stages_logged(log_path: Path, request_id: str, timeout: float = 30) -> set[str]:
    """The stages with a worker log line carrying ``request_id``, once all have one (or the timeout passed):
    the last stage's line is written just after the video turns `processed`."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
        logged = {stage for stage in PIPELINE_QUEUES for line in lines
                  if line.get("request_id") == request_id and f"tasks.{stage}." in line["message"]}
        if logged == set(PIPELINE_QUEUES) or time.monotonic() > deadline:
            return logged
        time.sleep(0.1)
