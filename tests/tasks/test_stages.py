"""Each task of the chain run alone, in process, on a real clip: what it writes and what it records."""

from __future__ import annotations

import pytest
from celery.exceptions import Ignore

from anb.extensions import db
from anb.media.probe import probe
from anb.models import VideoStatus
from anb.videos import keys
from tasks.brand import brand_video
from tasks.finalize import publish_video
from tasks.transform import fit_video
from tasks.trim import trim_video
from tests.helpers import stored


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
    assert [p.name for p in stored(app, keys.work_prefix(uploaded.id, 0)).iterdir()] == ["trimmed.mp4"]


def test_a_stage_for_a_deleted_video_stops_the_chain_and_cleans_up(app, uploaded):
    job = {"video_id": uploaded.id, "input": uploaded.original_key}
    trimmed = trim_video.run(job)
    db.session.delete(uploaded)
    db.session.commit()

    with pytest.raises(Ignore):
        fit_video.run(trimmed)

    assert not stored(app, keys.work_prefix(job['video_id'])).exists()


def test_a_superseded_chain_stops_without_touching_the_new_one(app, uploaded):
    old = trim_video.run({"video_id": uploaded.id, "input": uploaded.original_key, "attempt": 0})
    uploaded.attempts = 1
    db.session.commit()
    new = trim_video.run({"video_id": uploaded.id, "input": uploaded.original_key, "attempt": 1})

    with pytest.raises(Ignore):
        fit_video.run(old)
    with pytest.raises(Ignore):
        publish_video.run({**old, "input": keys.work_key(uploaded.id, 0, "branded.mp4")})

    assert not stored(app, keys.work_prefix(uploaded.id, 0)).exists()
    assert stored(app, new["input"]).is_file()
    assert (uploaded.status, uploaded.processed_key) == (VideoStatus.PROCESSING, None)
    assert not stored(app, keys.processed_key(uploaded.id)).exists()
