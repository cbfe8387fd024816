"""Media for the tests: bad inputs that only pretend to be videos, and ways to look inside outputs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from anb.media.tools import FFMPEG, FFPROBE

#: How long the media tests' fitted clips are.
FIT_SECONDS = 3.0


def make_webm(path: Path, seconds: float) -> Path:
    """A real video in a WebM container (which an .mp4 name does not make an MP4)."""
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc2=size=640x360:rate=30:duration={seconds}", "-c:v", "libvpx",
                    "-deadline", "realtime", "-cpu-used", "8", "-f", "webm", str(path)], check=True)
    return path


def video_stream(path: Path, count_frames: bool = True) -> dict:
    """ffprobe's description of the first video stream, with decoded frames counted if asked."""
    counting = ["-count_frames"] if count_frames else []
    result = subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", "v:0", *counting, "-print_format", "json",
         "-show_streams", str(path)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["streams"][0]


def frame_at(path: Path, seconds: float = 0.0, *, from_end: float | None = None,
             size: tuple[int, int] | None = None) -> np.ndarray:
    """One decoded frame (at ``seconds``, or ``from_end`` seconds before the end) as an RGB array,
    scaled to ``size`` if given."""
    seek = ["-sseof", f"-{from_end}"] if from_end is not None else ["-ss", f"{seconds:.3f}"]
    if size is None:
        stream = video_stream(path, count_frames=False)
        size = (stream["width"], stream["height"])
    width, height = size
    result = subprocess.run(
        [FFMPEG, "-v", "error", "-nostdin", *seek, "-i", str(path), "-frames:v", "1",
         "-s", f"{width}x{height}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True)
    return np.frombuffer(result.stdout, np.uint8).reshape(height, width, 3)


def image_as_array(path: Path, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A still image as an RGB array of ``size``, to compare with decoded frames."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB").resize(size))


def mean_difference(first: np.ndarray, second: np.ndarray) -> float:
    """Mean absolute difference per channel, 0 (same) to 255."""
    return float(np.abs(first.astype(np.int16) - second.astype(np.int16)).mean())


def leftovers(directory: Path) -> list[str]:
    """Temporary stage files left in a directory (there should never be any)."""
    return sorted(path.name for path in directory.iterdir() if ".part" in path.name)
