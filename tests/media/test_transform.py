"""Stage 2: exact cut, fit into 1280x720 with black bars, 30 fps, square pixels, no audio."""

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from anb.media.probe import MediaError, probe
from anb.media.tools import FFMPEG
from anb.media.transform import fit, fit_filter
from tests.clips import FIT_SECONDS, frame_at, leftovers, video_stream


def test_landscape_is_cut_exactly_and_fills_the_frame(fitted_landscape: Path) -> None:
    info, stream = probe(fitted_landscape), video_stream(fitted_landscape)
    assert (info.width, info.height, info.has_audio) == (1280, 720, False)
    assert info.duration == pytest.approx(FIT_SECONDS, abs=0.05)
    assert int(stream["nb_read_frames"]) == int(FIT_SECONDS * 30)
    assert Fraction(stream["r_frame_rate"]) == 30
    assert stream.get("sample_aspect_ratio", "1:1") == "1:1"
    frame = frame_at(fitted_landscape, 1.0).astype(int)
    assert frame[:, :8].mean() > 30 and frame[:, -8:].mean() > 30, "16:9 input needs no bars"


def test_the_intermediate_is_cheap_mpeg4_and_near_lossless(fitted_landscape: Path,
                                                           landscape_clip: Path) -> None:
    """MPEG-4 Part 2 at quantiser 3 (cheaper to write and to read back than x264 was): the brand stage
    must get the fitted frames nearly as ffmpeg's own scale and pad make them."""
    assert video_stream(fitted_landscape, count_frames=False)["codec_name"] == "mpeg4"
    compared = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostdin", "-i", str(fitted_landscape), "-t", f"{FIT_SECONDS}",
         "-i", str(landscape_clip), "-filter_complex", f"[1:v]{fit_filter()}[ref];[0:v][ref]ssim",
         "-f", "null", "-"], capture_output=True, text=True, check=True)
    assert float(compared.stderr.rsplit("All:", 1)[1].split()[0]) >= 0.98


def test_portrait_gets_black_side_bars_not_stretch(fitted_portrait: Path) -> None:
    frame = frame_at(fitted_portrait, 1.0).astype(int)
    assert frame.shape == (720, 1280, 3)
    picture_width = 720 * 360 // 640  # 405 -> 404 or 406 after rounding to even
    bar = (1280 - picture_width) // 2 - 4
    assert frame[:, :bar].max() < 24 and frame[:, -bar:].max() < 24, "side bars should be black"
    assert frame[:, 600:680].mean() > 40, "the picture should be in the middle"
    picture_columns = int((frame.max(axis=(0, 2)) > 24).sum())
    assert abs(picture_columns - picture_width) <= 4, "the aspect ratio should be kept"


def test_corrupt_input_is_a_media_error_and_leaves_nothing(tmp_path: Path, corrupt_clip: Path) -> None:
    dst = tmp_path / "fitted.mp4"
    with pytest.raises(MediaError):
        fit(corrupt_clip, dst)
    assert not dst.exists() and not leftovers(tmp_path)


def test_rerun_replaces_the_output(tmp_path: Path, landscape_clip: Path) -> None:
    dst = tmp_path / "fitted.mp4"
    dst.write_bytes(b"stale")
    fit(landscape_clip, dst, max_seconds=1.0)
    assert probe(dst).duration == pytest.approx(1.0, abs=0.05) and not leftovers(tmp_path)
