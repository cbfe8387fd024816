"""The logo card clip: rendered once by MoviePy at the delivery settings, then served from the cache."""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from anb.media.cards import card_clip
from anb.media.probe import probe
from tests.clips import frame_at, leftovers, video_stream


@pytest.fixture(scope="module")
def clip(card: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return card_clip(card, tmp_path_factory.mktemp("card-cache"))


def test_clip_is_a_silent_h264_card_of_the_right_length(clip: Path) -> None:
    info, stream = probe(clip), video_stream(clip)
    assert (info.width, info.height, info.has_audio) == (1280, 720, False)
    assert info.duration == pytest.approx(2.5, abs=0.05)
    assert (stream["codec_name"], stream["pix_fmt"]) == ("h264", "yuv420p")
    assert Fraction(stream["r_frame_rate"]) == 30 and int(stream["nb_read_frames"]) == 75


def test_first_and_last_frames_are_the_card(clip: Path, card: Path) -> None:
    expected = np.asarray(Image.open(card).convert("RGB")).astype(int)
    for frame in (frame_at(clip, 0.0), frame_at(clip, from_end=0.1)):
        assert np.abs(frame.astype(int) - expected).mean() < 8


def test_second_call_reuses_the_cached_file(clip: Path, card: Path) -> None:
    before = clip.stat().st_mtime_ns
    assert card_clip(card, clip.parent) == clip
    assert clip.stat().st_mtime_ns == before
    assert [p.name for p in clip.parent.iterdir()] == [clip.name] and not leftovers(clip.parent)


def test_a_changed_card_gets_a_new_clip(card: Path, tmp_path: Path) -> None:
    png, cache = tmp_path / "card.png", tmp_path / "cache"
    png.write_bytes(card.read_bytes())
    first = card_clip(png, cache)
    image = Image.open(card).convert("RGB")
    image.paste((255, 0, 0), (0, 0, 100, 100))  # a new logo saved under the same name
    image.save(png)
    second = card_clip(png, cache)
    assert second != first and first.is_file() and second.is_file()


def test_a_smaller_card_is_fitted_onto_black(tmp_path: Path) -> None:
    square = tmp_path / "square.png"
    Image.new("RGB", (200, 200), (255, 255, 255)).save(square)
    frame = frame_at(card_clip(square, tmp_path / "cache"), 1.0).astype(int)
    assert frame.shape == (720, 1280, 3)
    assert frame[:, :200].max() < 24 and frame[:, -200:].max() < 24, "side bars should be black"
    assert frame[:, 400:880].min() > 230, "the card should fill the height, centred"
