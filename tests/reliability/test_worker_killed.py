"""A worker SIGKILLed in the middle of each stage, its pool child alone or the whole worker with its
children: the redelivered job finishes the video, processed exactly once, one file, no intermediates.

The kill lands mid-stage deterministically: ffmpeg is reached through a gate (a wrapper that holds the call
whose arguments name the stage's input until the test opens it), and finalize is held on the video's row
lock, which the test takes before it runs.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from anb.counters import counter_mismatches
from anb.extensions import db
from anb.media.tools import FFMPEG
from anb.models import Video, VideoStatus
from anb.videos import keys
from tests.helpers import stored, stored_files, uploaded_id
from tests.worker import Worker, poll_video, wait_until_finished

#: What the first ffmpeg call of each stage has in its arguments (its input).
STAGE_INPUT = {"trim": "/original/", "transform": "/trimmed.mp4", "brand": "/fitted.mp4"}

GATE = """#!/bin/sh
# ffmpeg, held while the test's gate is closed for a call naming the gate's pattern.
gate={gate}
if [ -f "$gate/match" ] && [ ! -e "$gate/open" ]; then
  case "$*" in *"$(cat "$gate/match")"*)
    touch "$gate/held"
    while [ ! -e "$gate/open" ]; do sleep 0.05; done;;
  esac
fi
exec {ffmpeg} "$@"
"""


class Gate:
    """The folder the wrapper reads: which call to hold, and whether it is open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.wrapper = folder / "ffmpeg"
        self.wrapper.write_text(GATE.format(gate=folder, ffmpeg=FFMPEG))
        self.wrapper.chmod(self.wrapper.stat().st_mode | stat.S_IEXEC)

    def close_on(self, pattern: str) -> None:
        for name in ("open", "held"):
            (self.folder / name).unlink(missing_ok=True)
        (self.folder / "match").write_text(pattern)

    def wait_held(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not (self.folder / "held").exists():
            assert time.monotonic() < deadline, "the stage never reached ffmpeg"
            time.sleep(0.02)

    def open(self) -> None:
        (self.folder / "open").touch()


@pytest.fixture(scope="module")
def gate(tmp_path_factory) -> Gate:
    return Gate(tmp_path_factory.mktemp("gate"))


@pytest.fixture(scope="module")
def gated_worker(tmp_path_factory, gate: Gate, worker: Worker):
    """A worker whose ffmpeg goes through the gate (open unless a test closes it), the only one running
    (the session's worker stops meanwhile; ``live_worker`` starts it again)."""
    worker.stop()
    gate.open()
    worker = Worker(tmp_path_factory.mktemp("gated") / "worker.log", env={"FFMPEG_BINARY": str(gate.wrapper)})
    worker.start()
    yield worker
    gate.open()
    worker.stop()


def _kill(worker: Worker, how: str) -> None:
    if how == "pool child":
        worker.kill_pool_child()
    else:
        worker.kill()
        worker.start()


def _held_at_finalize(app, video_id: int):
    """Take the video's row lock once brand is running, and wait until finalize queues behind it."""
    poll_video(video_id, lambda video: video.processing_stage == "brand", interval=0.02)
    holder = db.engine.connect()
    transaction = holder.begin()
    holder.execute(text("SELECT id FROM videos WHERE id = :id FOR UPDATE"), {"id": video_id})
    deadline = time.monotonic() + 90
    while not db.session.execute(text(
            "SELECT COUNT(*) FROM information_schema.processlist WHERE id <> :me AND id <> CONNECTION_ID() "
            "AND info LIKE '%FOR UPDATE%'"), {"me": holder.connection.thread_id()}).scalar():
        assert time.monotonic() < deadline, "finalize never reached the row"
        db.session.rollback()
        time.sleep(0.02)
    db.session.rollback()
    return holder, transaction


@pytest.mark.parametrize("how", ["pool child", "whole worker"])
@pytest.mark.parametrize("stage", ["trim", "transform", "brand", "finalize"])
def test_killed_mid_stage_the_video_is_processed_exactly_once(app, client, auth_headers, clips, gate,
                                                              gated_worker, stage, how):
    if gated_worker.process.poll() is not None:
        gated_worker.start()
    if stage in STAGE_INPUT:
        gate.close_on(STAGE_INPUT[stage])
    video_id = uploaded_id(client, auth_headers, clips["valid"])

    if stage in STAGE_INPUT:
        gate.wait_held()
        assert poll_video(video_id, lambda video: True).processing_stage == stage
        _kill(gated_worker, how)
        gate.open()
    else:
        holder, transaction = _held_at_finalize(app, video_id)
        _kill(gated_worker, how)
        transaction.rollback()
        holder.close()

    video = wait_until_finished(video_id, timeout=120)
    assert video.status == VideoStatus.PROCESSED, video.error
    assert (video.owner.processed_videos, video.attempts) == (1, 0)
    with db.engine.connect() as connection:
        assert counter_mismatches(connection) == []
    media = Path(app.config["MEDIA_ROOT"])
    files = sorted(str(path.relative_to(media)) for path in stored_files(app)
                   if not path.is_relative_to(media / "cache"))
    assert files == sorted([video.original_key, keys.processed_key(video_id), keys.poster_key(video_id)])
    assert not stored(app, keys.work_prefix(video_id)).exists()
    assert os.path.getsize(stored(app, video.processed_key)) > 0
    assert db.session.get(Video, video_id) is not None
