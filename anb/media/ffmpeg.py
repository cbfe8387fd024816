"""What every stage shares: running ffmpeg with errors sorted into permanent (the input) and retryable
(anything else), and writing outputs atomically."""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anb.media.probe import MediaError, probe
from anb.media.tools import FFMPEG
from anb.storage import StorageFull

FFMPEG_TIMEOUT_SECONDS = 600
#: ffmpeg messages that mean the input itself cannot be read or decoded.
#: What ffmpeg says when its output's disk is full.
NO_SPACE_FAULT = "No space left on device"
INPUT_FAULTS = ("Invalid data found when processing input", "moov atom not found", "partial file",
                "matches no streams", "does not contain any stream")
UNREADABLE_INPUT = "No se pudo procesar el video: el archivo está dañado o no es un video válido."


class FFmpegError(RuntimeError):
    """ffmpeg failed for a reason other than the input (disk, resources, bug): a retry may help."""

    def __init__(self, command: list[str], returncode: int | None, stderr: str) -> None:
        """``returncode`` is None when the caller (MoviePy's ffmpeg tools) does not report it."""
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
    if NO_SPACE_FAULT in error.stderr:
        raise StorageFull(errno.ENOSPC, "no room for ffmpeg's output") from error
    raise error


@contextmanager
def atomic_output(dst: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dst`` that replaces it only on success, so no half file is seen."""
    with scratch_path(dst) as tmp:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)


@contextmanager
def scratch_path(beside: Path, suffix: str | None = None) -> Iterator[Path]:
    """A temporary file next to ``beside`` (same disk, named ``.part``), removed whatever happens."""
    beside.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{beside.stem}.", suffix=f".part{suffix or beside.suffix}",
                                    dir=beside.parent)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
