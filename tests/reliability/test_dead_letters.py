"""A job that gives up lands in the durable dead-letter queue, its video `failed` with a reason; the
operator's ``flask videos retry`` replays it and clears the letter."""

from __future__ import annotations

import shutil
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from anb.models import VideoStatus
from anb.videos import deadletters
from tests.helpers import stored, uploaded_id
from tests.worker import ROOT, wait_until_finished


@pytest.fixture
def dead_letters(app):
    """The test vhost with the dead-letter policy scripts/test sets, and an empty dead-letter queue."""
    vhost = urlsplit(app.config["CELERY"]["broker_url"]).path.lstrip("/") or "/"
    subprocess.run(["bash", "-c", f'source scripts/lib.sh; dead_letter_policy "{vhost}"'], cwd=ROOT,
                   check=True, timeout=60)
    celery = app.extensions["celery"]
    deadletters.discard(celery)
    yield celery
    deadletters.discard(celery)


def _letters_for(celery, video_id: int, timeout: float = 30) -> list[deadletters.DeadLetter]:
    deadline = time.monotonic() + timeout
    while not (letters := [x for x in deadletters.pending(celery) if x.video_id == video_id]):
        assert time.monotonic() < deadline, "no dead letter arrived"
        time.sleep(0.2)
    return letters


def test_a_job_that_gives_up_is_dead_lettered_and_retry_replays_it(app, client, auth_headers, clips, runner,
                                                                   dead_letters, live_worker, monkeypatch):
    monkeypatch.setattr("anb.videos.service.validate_video", lambda path, size: None)
    video_id = uploaded_id(client, auth_headers, clips["text"])

    video = wait_until_finished(video_id)
    assert video.status == VideoStatus.FAILED and video.error
    letters = _letters_for(dead_letters, video_id)
    assert [(x.task, x.queue) for x in letters] == [("tasks.trim.trim_video", "trim")]
    listed = runner.invoke(args=["videos", "dead-letters"])
    assert f"{video_id}\ttasks.trim.trim_video\ttrim" in listed.output

    shutil.copy(clips["valid"], stored(app, video.original_key))  # the operator fixed the cause
    result = runner.invoke(args=["videos", "retry", "--all-failed"])

    assert result.exit_code == 0, result.output
    assert "1 dead letter(s) removed" in result.output
    video = wait_until_finished(video_id)
    assert video.status == VideoStatus.PROCESSED, video.error
    assert deadletters.pending(dead_letters) == []


def test_retry_needs_one_target(runner):
    assert runner.invoke(args=["videos", "retry"]).exit_code != 0
    assert runner.invoke(args=["videos", "retry", "1", "--all-failed"]).exit_code != 0
