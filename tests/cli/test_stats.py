"""``flask videos stats``: counts per status, stage timings from the videos' timelines, failures by reason."""

from __future__ import annotations

from datetime import timedelta

from anb.extensions import db
from anb.models import VideoEvent, VideoStatus, now_utc
from anb.models.video_event import SUCCEEDED
from anb.videos import processing


def _section(output: str, header: str) -> list[list[str]]:
    block = output.split(header + "\n", 1)[1].split("\n\n", 1)[0]
    return [line.split("\t") for line in block.splitlines()]


def test_stats_counts_times_and_failure_reasons(runner, user, make_video):
    make_video(user)
    for error in ("El video no tiene pista de video.", "El video no tiene pista de video.", "Tiempo límite"):
        video = make_video(user, VideoStatus.UPLOADED)
        processing.mark_failed(video.id, error)
    start = now_utc() - timedelta(minutes=10)
    for seconds in range(1, 21):  # trim runs of 1..20 s: p50 10, p95 19
        video = make_video(user, VideoStatus.PROCESSING)
        db.session.add(VideoEvent(video_id=video.id, stage="trim", host="w1", outcome=SUCCEEDED,
                                  started_at=start, finished_at=start + timedelta(seconds=seconds)))
        db.session.add(VideoEvent(video_id=video.id, stage="trim", host="w1", outcome="retried",
                                  started_at=start, finished_at=start + timedelta(hours=1)))
        db.session.add(VideoEvent(video_id=video.id, stage="transform", host="w1", started_at=start))
    db.session.commit()

    result = runner.invoke(args=["videos", "stats"])

    assert result.exit_code == 0, result.output
    assert dict(_section(result.output, "status\tvideos")) == {
        "uploaded": "0", "processing": "20", "processed": "1", "failed": "3", "removed": "0"}
    timings = _section(result.output, "stage\truns\tp50 s\tp95 s")
    assert timings[0] == ["trim", "20", "10.00", "19.00"]
    assert [row[0] for row in timings] == ["trim", "upload to processed"]  # only finished, successful runs
    assert _section(result.output, "failed videos\treason") == [["2", "El video no tiene pista de video."],
                                                                ["1", "Tiempo límite"]]
    assert runner.invoke(args=["videos", "stats"]).output == result.output
