"""Stage 1: the stream-copy cut keeps at most max_seconds of video and drops the audio."""

from pathlib import Path

import pytest

from anb.media.probe import MediaError, probe
from anb.media.trim import trim


def test_cuts_to_at_most_max_seconds_without_audio(tmp_path: Path, landscape_clip: Path) -> None:
    out = trim(landscape_clip, tmp_path / "trimmed.mp4", max_seconds=3.0)
    info = probe(out)
    assert 2.5 < info.duration <= 3.0
    assert not info.has_audio
    assert (info.video_codec, info.width, info.height) == ("h264", 640, 360)


def test_keeps_a_shorter_input_whole(tmp_path: Path, portrait_clip: Path) -> None:
    info = probe(trim(portrait_clip, tmp_path / "whole.mp4", max_seconds=30.0))
    assert info.duration == pytest.approx(probe(portrait_clip).duration, abs=0.1)
    assert not info.has_audio


def test_rerun_is_idempotent_and_leaves_no_temp_files(tmp_path: Path, landscape_clip: Path,
                                                      temp_files) -> None:
    dst = tmp_path / "trimmed.mp4"
    first = probe(trim(landscape_clip, dst, max_seconds=3.0))
    second = probe(trim(landscape_clip, dst, max_seconds=3.0))
    assert first == second
    assert [p.name for p in tmp_path.iterdir()] == ["trimmed.mp4"] and not temp_files(tmp_path)


def test_corrupt_input_is_a_media_error_and_leaves_nothing(tmp_path: Path, corrupt_clip: Path,
                                                            temp_files) -> None:
    out_dir = tmp_path / "out"
    with pytest.raises(MediaError) as caught:
        trim(corrupt_clip, out_dir / "trimmed.mp4")
    assert caught.value.__cause__ is not None and caught.value.__cause__.stderr  # ffmpeg's words, for logs
    assert not (out_dir / "trimmed.mp4").exists() and not temp_files(out_dir)


def test_missing_input_is_not_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        trim(tmp_path / "absent.mp4", tmp_path / "trimmed.mp4")
