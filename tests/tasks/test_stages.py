"""Each task of the chain run alone, in process, on a real clip: what it writes and what it records."""

from __future__ import annotations

import shutil

import pytest
from celery.exceptions import Ignore

from anb.extensions import db
from anb.media.probe import probe
from anb.models import Video, VideoStatus
from anb.videos import keys
from tasks.brand import brand_video
from tasks.finalize import publish_video
from tasks.transform import fit_video
from tasks.trim import trim_video
from tests.helpers import stored


@pytest.fixture
def uploaded(app, user, clips) -> Video:
    """A stored upload of the valid 4 s clip, not yet processed."""
    video = Video(owner=user, title="Solo", original_key=keys.original_key())
    target = stored(app, video.original_key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(clips["valid"], target)
    db.session.add(video)
    db.session.commit()
    return video


def test_each_stage_does_its_part_and_records_it(app, uploaded):
    job = {"video_id": uploaded.id, "input": uploaded.original_key}

    trimmed = trim_video.run(job)
    assert (uploaded.status, uploaded.processing_stage) == (VideoStatus.PROCESSING, "trim")
    info = probe(stored(app, trimmed["input"]))
    assert info.duration <= app.config["PROCESSED_MAX_SECONDS"] + 0.6 and not info.has_audio

    fitted = fit_video.run(trimmed)
    assert uploaded.processing_stage == "transform"
    info = probe(stored(app, fitted["input"]))
    assert (info.width, info.height) == (1280, 720)
    assert info.duration == pytest.approx(app.config["PROCESSED_MAX_SECONDS"], abs=0.1)

    branded = brand_video.run(fitted)
    assert uploaded.processing_stage == "brand"
    assert probe(stored(app, branded["input"])).duration == pytest.approx(
        app.config["PROCESSED_MAX_SECONDS"] + 5, abs=0.1)

    publish_video.run(branded)
    assert (uploaded.status, uploaded.processing_stage) == (VideoStatus.PROCESSED, None)
    assert stored(app, uploaded.processed_key).is_file()
    assert not stored(app, keys.work_prefix(uploaded.id)).exists()
    assert stored(app, uploaded.original_key).is_file()


def test_rerunning_a_stage_is_harmless(app, uploaded):
    job = {"video_id": uploaded.id, "input": uploaded.original_key}

    first = trim_video.run(job)
    size = stored(app, first["input"]).stat().st_size
    second = trim_video.run(job)

    assert second == first
    assert stored(app, second["input"]).stat().st_size == size
    assert [p.name for p in stored(app, keys.work_prefix(uploaded.id)).iterdir()] == ["trimmed.mp4"]


def test_a_stage_for_a_deleted_video_stops_the_chain_and_cleans_up(app, uploaded):
    job = {"video_id": uploaded.id, "input": uploaded.original_key}
    trimmed = trim_video.run(job)
    db.session.delete(uploaded)
    db.session.commit()

    with pytest.raises(Ignore):
        fit_video.run(trimmed)

    assert not stored(app, keys.work_prefix(job['video_id'])).exists()
