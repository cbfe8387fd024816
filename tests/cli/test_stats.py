"""``flask videos stats``: counts per status, stage timings recorded by the pipeline, failures by reason."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from anb.extensions import db
from anb.models import StageRun, VideoStatus, now_utc
from anb.videos import processing


def _section(output: str, header: str) -> list[list[str]]:
    block = output.split(header + "\n", 1)[1].split("\n\n", 1)[0]
    return [line.split("\t") for line in block.splitlines()]


def test_stages_are_timed_by_the_pipeline_functions(user, make_video):
    video = make_video(user, VideoStatus.UPLOADED)

    for stage in ("trim", "trim", "transform", "brand"):  # trim retried once
        assert processing.start_stage(video.id, stage)
    processing.mark_processed(video.id, "processed/x.mp4")

    runs = db.session.execute(db.select(StageRun).order_by(StageRun.id)).scalars().all()
    assert [run.stage for run in runs] == ["trim", "trim", "transform", "brand"]
    assert all(run.finished_at is not None and run.finished_at >= run.started_at for run in runs)
    assert all(earlier.finished_at <= later.started_at for earlier, later in pairwise(runs))


def test_a_failure_closes_the_running_stage(user, make_video):
    video = make_video(user, VideoStatus.UPLOADED)
    processing.start_stage(video.id, "transform")

    processing.mark_failed(video.id, "boom")

    assert db.session.execute(db.select(StageRun.finished_at)).scalar_one() is not None


def test_stats_counts_times_and_failure_reasons(runner, user, make_video):
    make_video(user)
    for error in ("El video no tiene pista de video.", "El video no tiene pista de video.", "Tiempo límite"):
        video = make_video(user, VideoStatus.UPLOADED)
        processing.mark_failed(video.id, error)
    start = now_utc() - timedelta(minutes=10)
    for seconds in range(1, 21):  # trim runs of 1..20 s: p50 10, p95 19
        video = make_video(user, VideoStatus.PROCESSING)
        db.session.add(StageRun(video_id=video.id, stage="trim", started_at=start,
                                finished_at=start + timedelta(seconds=seconds)))
        db.session.add(StageRun(video_id=video.id, stage="transform", started_at=start, finished_at=None))
    db.session.commit()

    result = runner.invoke(args=["videos", "stats"])

    assert result.exit_code == 0, result.output
    assert dict(_section(result.output, "status\tvideos")) == {
        "uploaded": "0", "processing": "20", "processed": "1", "failed": "3", "removed": "0"}
    timings = _section(result.output, "stage\truns\tp50 s\tp95 s")
    assert timings[0] == ["trim", "20", "10.00", "19.00"]
    assert [row[0] for row in timings] == ["trim", "upload to processed"]  # open runs are not timed yet
    assert _section(result.output, "failed videos\treason") == [["2", "El video no tiene pista de video."],
                                                                ["1", "Tiempo límite"]]
    assert runner.invoke(args=["videos", "stats"]).output == result.output
