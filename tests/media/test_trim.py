"""Stage 1: MoviePy's stream-copy cut keeps max_seconds plus the rest of a GOP, video only."""

import subprocess
from pathlib import Path

import pytest

from anb.media.ffmpeg import FFmpegError
from anb.media.probe import MediaError, probe
from anb.media.tools import FFMPEG
from anb.media.trim import trim
from tests.clips import leftovers

#: The test clips have a keyframe every 30 frames: a cut may run to the end of that GOP.
ONE_GOP = 0.6


def test_cuts_at_max_seconds_up_to_one_gop_more_without_audio(tmp_path: Path, landscape_clip: Path) -> None:
    out = trim(landscape_clip, tmp_path / "trimmed.mp4", max_seconds=3.0)
    info = probe(out)
    assert 3.0 <= info.duration <= 3.0 + ONE_GOP
    assert not info.has_audio
    assert (info.video_codec, info.width, info.height) == ("h264", 640, 360)


def test_keeps_a_shorter_input_whole(tmp_path: Path, portrait_clip: Path) -> None:
    info = probe(trim(portrait_clip, tmp_path / "whole.mp4", max_seconds=30.0))
    assert info.duration == pytest.approx(probe(portrait_clip).duration, abs=0.1)
    assert not info.has_audio


def test_rerun_is_idempotent_and_leaves_no_temp_files(tmp_path: Path, landscape_clip: Path) -> None:
    dst = tmp_path / "trimmed.mp4"
    first = probe(trim(landscape_clip, dst, max_seconds=3.0))
    second = probe(trim(landscape_clip, dst, max_seconds=3.0))
    assert first == second
    assert [p.name for p in tmp_path.iterdir()] == ["trimmed.mp4"] and not leftovers(tmp_path)


def test_a_track_mp4_cannot_hold_falls_back_to_a_video_copy(tmp_path: Path) -> None:
    """A camera's timecode track makes MoviePy's all-streams copy fail; the video is still cut."""
    src = tmp_path / "camera.mov"
    subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=4",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-timecode", "00:00:00:00",
                    str(src)], check=True)
    info = probe(trim(src, tmp_path / "trimmed.mp4", max_seconds=2.0))
    assert 2.0 <= info.duration <= 2.0 + ONE_GOP and not leftovers(tmp_path)


def test_an_input_whose_clock_starts_late_still_keeps_max_seconds(tmp_path: Path) -> None:
    src = tmp_path / "offset.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=6",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-output_ts_offset", "2",
                    str(src)], check=True)
    info = probe(trim(src, tmp_path / "trimmed.mp4", max_seconds=3.0))
    assert 3.0 <= info.duration <= 3.0 + ONE_GOP


def test_corrupt_input_is_a_media_error_and_leaves_nothing(tmp_path: Path, corrupt_clip: Path) -> None:
    out_dir = tmp_path / "out"
    with pytest.raises(MediaError) as caught:
        trim(corrupt_clip, out_dir / "trimmed.mp4")
    assert isinstance(caught.value.__cause__, FFmpegError)
    assert caught.value.__cause__.stderr  # ffmpeg's words, for logs
    assert not (out_dir / "trimmed.mp4").exists() and not leftovers(out_dir)


def test_missing_input_is_not_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        trim(tmp_path / "absent.mp4", tmp_path / "trimmed.mp4")
