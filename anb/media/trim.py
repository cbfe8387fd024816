"""Stage 1 of the chain: keep the first seconds of the original, video only, without re-encoding."""

from __future__ import annotations

import subprocess
from pathlib import Path

from moviepy.video.io.ffmpeg_tools import ffmpeg_extract_subclip

from anb.media.ffmpeg import (
    FFMPEG_TIMEOUT_SECONDS,
    FFmpegError,
    atomic_output,
    ffmpeg_command,
    raise_for_failure,
    require_file,
    run_ffmpeg,
    scratch_path,
)
from anb.media.tools import FFPROBE


def trim(src: Path, dst: Path, max_seconds: float = 30.0) -> Path:
    """Cut to ``max_seconds`` (up to the end of that GOP) by stream copy; fit then cuts frame-exactly."""
    src, dst = Path(src), Path(dst)
    require_file(src)
    with atomic_output(dst) as tmp, scratch_path(dst) as cut:
        try:
            extract_subclip(src, cut, max_seconds)
        except FFmpegError:  # readable, but not remuxable whole (e.g. a camera's timecode track in MP4)
            copy_video(src, cut, ["-t", f"{max_seconds:.3f}"])
        copy_video(cut, tmp)
    return dst


def extract_subclip(src: Path, dst: Path, max_seconds: float) -> None:
    """MoviePy's stream-copy cut (every stream, whole GOPs); an unreadable input raises MediaError."""
    end = start_time(src) + max_seconds  # it copies with -copyts: the end is on the input's own clock
    try:
        ffmpeg_extract_subclip(src, 0, end, outputfile=dst, logger=None)
    except OSError as exc:  # MoviePy raises ffmpeg's stderr as an OSError and drops the exit code
        command = ["ffmpeg_extract_subclip", str(src), "0", f"{end:.3f}", str(dst)]
        raise_for_failure(FFmpegError(command, None, str(exc)), src)


def start_time(src: Path) -> float:
    """Where the input's timeline begins (an edited or offset file may start after 0); 0 if unknown."""
    result = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0",
                             str(src)], capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_SECONDS,
                            check=False)
    try:
        return float(result.stdout.strip())
    except ValueError:  # "N/A", or nothing for an unreadable file (the cut then reports it)
        return 0.0


def copy_video(src: Path, dst: Path, limit: list[str] | None = None) -> None:
    """Copy the first video stream's packets (up to ``limit``); audio, subtitles and data are dropped."""
    run_ffmpeg(ffmpeg_command("-i", str(src), *(limit or []), "-map", "0:v:0", "-c", "copy",
                              "-an", "-sn", "-dn", str(dst)), src)
