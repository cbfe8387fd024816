"""Small real clips made with ffmpeg lavfi (generated once per session) and helpers to inspect outputs."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from anb.media.brand import brand
from anb.media.logo import make_logo_card, make_watermark
from anb.media.tools import FFMPEG, FFPROBE
from anb.media.transform import fit

CLIP_SECONDS = 5
FIT_SECONDS = 3.0


def make_clip(path: Path, size: tuple[int, int], seconds: int = CLIP_SECONDS) -> Path:
    """A moving test pattern with a sine audio track, like a small upload."""
    width, height = size
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
         "-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r=30:d={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:d={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def landscape_clip(media_dir: Path) -> Path:
    return make_clip(media_dir / "landscape.mp4", (640, 360))


@pytest.fixture(scope="session")
def portrait_clip(media_dir: Path) -> Path:
    return make_clip(media_dir / "portrait.mp4", (360, 640))


@pytest.fixture(scope="session")
def card(media_dir: Path) -> Path:
    return make_logo_card(media_dir / "card.png")


@pytest.fixture(scope="session")
def watermark(media_dir: Path) -> Path:
    return make_watermark(media_dir / "watermark.png")


@pytest.fixture(scope="session")
def fitted_landscape(media_dir: Path, landscape_clip: Path) -> Path:
    return fit(landscape_clip, media_dir / "fitted_landscape.mp4", max_seconds=FIT_SECONDS)


@pytest.fixture(scope="session")
def fitted_portrait(media_dir: Path, portrait_clip: Path) -> Path:
    return fit(portrait_clip, media_dir / "fitted_portrait.mp4", max_seconds=FIT_SECONDS)


@pytest.fixture(scope="session")
def card_cache(media_dir: Path) -> Path:
    return media_dir / "cache"


@pytest.fixture(scope="session")
def branded_landscape(media_dir: Path, fitted_landscape: Path, card: Path, watermark: Path,
                      card_cache: Path) -> Path:
    return brand(fitted_landscape, media_dir / "branded_landscape.mp4", card, watermark, card_cache)


@pytest.fixture
def corrupt_clip(tmp_path: Path) -> Path:
    """Bytes that only pretend to be an MP4, as a broken upload would."""
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
    return path


def video_stream(path: Path, count_frames: bool = True) -> dict:
    """ffprobe's description of the first video stream, with decoded frames counted if asked."""
    counting = ["-count_frames"] if count_frames else []
    result = subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", "v:0", *counting, "-print_format", "json",
         "-show_streams", str(path)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["streams"][0]


def frame_rgb(path: Path, seconds: float | None = None, from_end: float | None = None) -> np.ndarray:
    """Decode one frame (at ``seconds``, or ``from_end`` seconds before the end) as an RGB array."""
    seek = ["-sseof", f"-{from_end}"] if from_end is not None else ["-ss", f"{seconds or 0.0}"]
    stream = video_stream(path, count_frames=False)
    result = subprocess.run(
        [FFMPEG, "-v", "error", "-nostdin", *seek, "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True)
    return np.frombuffer(result.stdout, np.uint8).reshape(stream["height"], stream["width"], 3)


def leftovers(directory: Path) -> list[str]:
    """Temporary stage files left in a directory (there should never be any)."""
    return sorted(p.name for p in directory.iterdir() if ".part" in p.name)


@pytest.fixture
def probe_stream() -> Callable[[Path], dict]:
    return video_stream


@pytest.fixture
def decode_frame() -> Callable[..., np.ndarray]:
    return frame_rgb


@pytest.fixture
def temp_files() -> Callable[[Path], list[str]]:
    return leftovers
