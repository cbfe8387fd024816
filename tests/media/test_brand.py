"""Stage 3: logo cards at both ends (stream-copied), watermark top-right, final H.264 with faststart."""

import subprocess
import sys
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from anb.media.brand import brand
from anb.media.ffmpeg import FFmpegError
from anb.media.probe import MediaError, probe
from anb.media.tools import FFMPEG, FFPROBE
from tests.clips import (
    FIT_SECONDS,
    frame_at,
    image_as_array,
    leftovers,
    mean_difference,
    video_stream,
)


def test_output_format_and_duration(branded_landscape: Path) -> None:
    info, stream = probe(branded_landscape), video_stream(branded_landscape)
    assert (info.width, info.height, info.has_audio) == (1280, 720, False)
    assert info.duration == pytest.approx(FIT_SECONDS + 2 * 2.5, abs=0.1)
    assert (stream["codec_name"], stream["pix_fmt"]) == ("h264", "yuv420p")
    assert Fraction(stream["r_frame_rate"]) == 30
    assert int(stream["nb_read_frames"]) == int((FIT_SECONDS + 5) * 30)


def test_joined_parts_play_as_one_stream(branded_landscape: Path) -> None:
    """The stream-copy join must decode cleanly, with one stream and timestamps that only go forward."""
    decoded = subprocess.run([FFMPEG, "-v", "error", "-nostdin", "-i", str(branded_landscape), "-f", "null",
                              "-"], capture_output=True, text=True, check=True)
    assert decoded.stderr == ""
    packets = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "packet=stream_index,pts,dts",
                              "-of", "csv=p=0", str(branded_landscape)], capture_output=True, text=True,
                             check=True).stdout.split()
    rows = [tuple(int(v) for v in line.split(",")) for line in packets]
    assert {index for index, _, _ in rows} == {0}
    dts, pts = [d for _, _, d in rows], sorted(p for _, p, _ in rows)
    assert all(b > a for a, b in pairwise(dts))
    assert all(b > a for a, b in pairwise(pts))


def test_moov_comes_before_mdat_for_progressive_playback(branded_landscape: Path) -> None:
    data = branded_landscape.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")


def test_first_and_last_frames_show_the_logo_card(branded_landscape: Path, card: Path) -> None:
    expected = np.asarray(Image.open(card).convert("RGB").resize((1280, 720))).astype(int)
    for frame in (frame_at(branded_landscape, 0.0), frame_at(branded_landscape, from_end=0.1)):
        assert np.abs(frame.astype(int) - expected).mean() < 8


def test_watermark_is_in_the_top_right_corner(branded_landscape: Path, fitted_landscape: Path) -> None:
    branded = frame_at(branded_landscape, 2.5 + 1.0).astype(int)
    plain = frame_at(fitted_landscape, 1.0).astype(int)
    corner = np.abs(branded[16:88, 1280 - 16 - 160:1280 - 16] - plain[16:88, 1280 - 16 - 160:1280 - 16])
    elsewhere = np.abs(branded[600:672, 16:176] - plain[600:672, 16:176])
    assert corner.mean() > 30, "the watermark should change the top-right corner"
    assert elsewhere.mean() < 8, "the rest of the picture should be the fitted video"


def test_card_length_is_configurable(tmp_path: Path, fitted_landscape: Path, card: Path,
                                     watermark: Path, card_cache: Path) -> None:
    out = brand(fitted_landscape, tmp_path / "short_cards.mp4", card, watermark, card_cache, card_seconds=1.0)
    assert probe(out).duration == pytest.approx(FIT_SECONDS + 2.0, abs=0.1)


def test_corrupt_input_is_a_media_error_and_leaves_nothing(tmp_path: Path, corrupt_clip: Path, card: Path,
                                                            watermark: Path) -> None:
    dst = tmp_path / "branded.mp4"
    with pytest.raises(MediaError):
        brand(corrupt_clip, dst, card, watermark, tmp_path / "cache")
    assert not dst.exists() and not leftovers(tmp_path)


def test_missing_input_is_not_a_media_error(tmp_path: Path, card: Path, watermark: Path) -> None:
    with pytest.raises(FileNotFoundError):
        brand(tmp_path / "absent.mp4", tmp_path / "branded.mp4", card, watermark, tmp_path / "cache")


def test_a_fault_of_ours_is_not_blamed_on_the_video(tmp_path: Path, fitted_landscape: Path,
                                                     watermark: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        brand(fitted_landscape, tmp_path / "branded.mp4", tmp_path / "missing_card.png", watermark,
              tmp_path / "cache")
    assert not isinstance(caught.value, MediaError) and "missing_card.png" in str(caught.value)
    assert not leftovers(tmp_path)


def test_a_failed_encode_is_retryable_not_blamed_on_the_video(tmp_path: Path, fitted_landscape: Path,
                                                               card: Path) -> None:
    with pytest.raises(FFmpegError) as caught:
        brand(fitted_landscape, tmp_path / "branded.mp4", card, tmp_path / "missing_mark.png",
              tmp_path / "cache")
    assert not isinstance(caught.value, MediaError) and "missing_mark.png" in caught.value.stderr
    assert not leftovers(tmp_path)


def test_poster_is_a_640x360_jpeg_of_the_middle_of_the_playing_part(
        poster_landscape: Path, fitted_landscape: Path, card: Path) -> None:
    stream = video_stream(poster_landscape)
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("mjpeg", 640, 360)
    poster = image_as_array(poster_landscape, (640, 360))
    assert poster.mean() > 40, "the poster should not be black"
    assert mean_difference(poster, image_as_array(card, (640, 360))) > 30, "the poster is not the logo card"
    middle = frame_at(fitted_landscape, FIT_SECONDS / 2, size=(640, 360))
    assert mean_difference(poster, middle) < 10
    assert mean_difference(poster, frame_at(fitted_landscape, 0.0, size=(640, 360))) > mean_difference(
        poster, middle)


def _peak_ffmpeg_mib(tmp_path: Path, fitted: Path, card: Path, watermark: Path, cache: Path,
                     poster: bool) -> int:
    """The largest resident size of the ffmpeg processes of one branding, run in a child interpreter of
    its own so that no other test's ffmpeg counts."""
    script = ("import resource, sys; from pathlib import Path; from anb.media.brand import brand; "
              "a = [Path(arg) for arg in sys.argv[1:]]; "
              "brand(a[0], a[1], a[2], a[3], a[4], poster=a[5] if len(a) > 5 else None); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    args = [fitted, tmp_path / f"branded-{poster}.mp4", card, watermark, cache]
    args += [tmp_path / "poster.jpg"] if poster else []
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def test_the_poster_costs_no_memory_beside_the_encode(tmp_path: Path, fitted_landscape: Path, card: Path,
                                                      watermark: Path, card_cache: Path,
                                                      branded_landscape: Path) -> None:
    # A poster taken as a second output of the encode made ffmpeg queue every frame before the middle
    # (1.4 MB each at 1280x720: +62 MB for this 3 s clip, ~0.6 GB for 30 s).
    without = _peak_ffmpeg_mib(tmp_path, fitted_landscape, card, watermark, card_cache, poster=False)
    with_poster = _peak_ffmpeg_mib(tmp_path, fitted_landscape, card, watermark, card_cache, poster=True)
    assert with_poster < without + 20, (with_poster, without)


def test_without_a_poster_path_no_image_is_written(tmp_path: Path, fitted_landscape: Path, card: Path,
                                                   watermark: Path, card_cache: Path) -> None:
    brand(fitted_landscape, tmp_path / "branded.mp4", card, watermark, card_cache)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["branded.mp4"]
