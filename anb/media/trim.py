"""Stage 1 of the chain: keep the first seconds of the original, video only, without re-encoding.

Also holds the helpers every stage shares: running ffmpeg with errors sorted into permanent (the input)
and retryable (anything else), and writing the output atomically.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anb.media.probe import MediaError, probe
from anb.media.tools import FFMPEG, FFPROBE

FFMPEG_TIMEOUT_SECONDS = 600
#: Copies tried before settling; the first lands when packet timestamps are readable (the usual case).
TRIM_ATTEMPTS = 3
DURATION_TOLERANCE = 0.001
#: ffmpeg messages that mean the input itself cannot be read or decoded.
INPUT_FAULTS = ("Invalid data found when processing input", "moov atom not found", "partial file",
                "matches no streams", "does not contain any stream")
UNREADABLE_INPUT = "No se pudo procesar el video: el archivo está dañado o no es un video válido."


class FFmpegError(RuntimeError):
    """ffmpeg failed for a reason other than the input (disk, resources, bug): a retry may help."""

    def __init__(self, command: list[str], returncode: int, stderr: str) -> None:
        super().__init__(f"ffmpeg exited with {returncode}: {stderr.strip()[-2000:]}")
        self.command, self.returncode, self.stderr = command, returncode, stderr


def ffmpeg_command(*args: str) -> list[str]:
    """Prefix the common flags, so each stage only states its own work and logs stay quiet."""
    return [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]


def require_file(src: Path) -> None:
    """A missing input is a storage or ordering problem, not a bad video: never report it as MediaError."""
    if not src.is_file():
        raise FileNotFoundError(f"Input video not found: {src}")


def run_ffmpeg(command: list[str], src: Path) -> None:
    """Run ffmpeg on ``src``; an unreadable input raises MediaError, any other failure FFmpegError."""
    require_file(src)
    try:
        result = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                timeout=FFMPEG_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise FFmpegError(command, -1, f"timed out after {exc.timeout} s") from exc
    if result.returncode != 0:
        raise_for_failure(FFmpegError(command, result.returncode, result.stderr), src)


def raise_for_failure(error: FFmpegError, src: Path) -> None:
    """Tell a bad input (permanent, MediaError) from a failure of ours (FFmpegError), keeping stderr."""
    try:
        probe(src)
    except MediaError as exc:
        raise MediaError(str(exc) or UNREADABLE_INPUT) from error
    if any(fault in error.stderr for fault in INPUT_FAULTS):
        raise MediaError(UNREADABLE_INPUT) from error
    raise error


@contextmanager
def atomic_output(dst: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dst`` that replaces it only on success, so no half file is seen."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=f".part{dst.suffix}", dir=dst.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def trim(src: Path, dst: Path, max_seconds: float = 30.0) -> Path:
    """Cut to at most ``max_seconds`` by stream copy: near free, and later stages cut frame-exactly."""
    src, dst = Path(src), Path(dst)
    require_file(src)
    limit, cut = packet_limit(src, max_seconds), max_seconds
    with atomic_output(dst) as tmp:
        for _ in range(TRIM_ATTEMPTS):
            copy_video(src, tmp, limit)
            excess = probe(tmp).duration - max_seconds
            if excess <= DURATION_TOLERANCE or cut - excess <= 0:
                break
            cut -= excess  # no usable packet timestamps: shorten by what the last copy overshot
            limit = ["-t", f"{cut:.3f}"]
    return dst


def packet_limit(src: Path, max_seconds: float) -> list[str]:
    """Copy the longest decode-order run of packets whose frames all end by ``max_seconds``.

    A plain ``-t`` copies whole packets in decode order, so B-frame reordering runs a frame or two past the
    limit; counting packets from their timestamps lands on it (or up to the reorder depth short of it).
    """
    times = packet_times(src, max_seconds + 2.0)
    if not times:
        return ["-t", f"{max_seconds:.3f}"]
    start = min(pts for pts, _ in times)
    over = next((i for i, (pts, dur) in enumerate(times) if pts - start + dur > max_seconds + 1e-4), None)
    return [] if over is None else ["-frames:v", str(max(over, 1))]


def packet_times(src: Path, seconds: float) -> list[tuple[float, float]]:
    """Presentation time and duration of the first video packets, in decode order; empty if unknown."""
    result = subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", "v:0", "-read_intervals", f"%+{seconds:.3f}",
         "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", str(src)],
        capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_SECONDS, check=False)
    try:
        return [(float(pts), float(dur)) for pts, dur, *_ in
                (line.split(",") for line in result.stdout.splitlines() if line)]
    except ValueError:  # "N/A" timestamps (some raw or broken streams): fall back to -t
        return []


def copy_video(src: Path, dst: Path, limit: list[str]) -> None:
    """Copy the first video stream's packets up to ``limit``; audio, subtitles and data are dropped."""
    run_ffmpeg(ffmpeg_command("-i", str(src), *limit, "-map", "0:v:0", "-c", "copy",
                              "-an", "-sn", "-dn", str(dst)), src)
