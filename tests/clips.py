"""Small generated media files for the tests: real clips made by ffmpeg, and convincing fakes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from anb.media.tools import FFMPEG


def make_clip(path: Path, width: int, height: int, seconds: float, *, audio: bool = True,
              faststart: bool = True) -> Path:
    """An H.264 MP4 of moving test pattern (and a tone), ``width``x``height``, ``seconds`` long."""
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
               "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest"]
    if faststart:
        command += ["-movflags", "+faststart"]
    subprocess.run([*command, str(path)], check=True)
    return path


def make_audio_only(path: Path, seconds: float) -> Path:
    """An MP4 container holding only an AAC track."""
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", str(path)], check=True)
    return path


def make_webm(path: Path, seconds: float) -> Path:
    """A real video in a WebM container (which an .mp4 name does not make an MP4)."""
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc2=size=640x360:rate=30:duration={seconds}", "-c:v", "libvpx",
                    "-deadline", "realtime", "-cpu-used", "8", "-f", "webm", str(path)], check=True)
    return path


def truncated_copy(source: Path, path: Path, fraction: float = 0.5) -> Path:
    """The first ``fraction`` of ``source``'s bytes: an upload cut off half way."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def frame_at(path: Path, seconds: float, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """The decoded frame at ``seconds`` as an RGB array of ``size``."""
    width, height = size
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-ss", f"{seconds:.3f}", "-i", str(path),
               "-frames:v", "1", "-s", f"{width}x{height}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3)


def image_as_array(path: Path, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A still image as an RGB array of ``size``, to compare with decoded frames."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB").resize(size))


def mean_difference(first: np.ndarray, second: np.ndarray) -> float:
    """Mean absolute difference per channel, 0 (same) to 255."""
    return float(np.abs(first.astype(np.int16) - second.astype(np.int16)).mean())
