"""Read what a media file really is, from its content, with ffprobe."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from anb.media.tools import FFMPEG, FFPROBE

#: ffprobe's name for the ISO base media family (MP4, MOV, M4V, 3GP).
MP4_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
PROBE_TIMEOUT_SECONDS = 30


class MediaError(Exception):
    """The file is not usable media; retrying will not help."""


@dataclass(frozen=True)
class MediaInfo:
    """The facts about a video file that the rules and the pipeline look at."""

    container: str
    video_codec: str
    width: int
    height: int
    duration: float
    has_audio: bool
    #: Average frames a second (0 when the file does not say).
    frame_rate: float = 0.0

    @property
    def short_side(self) -> int:
        """The smaller of width and height: what "1080p" means for any orientation."""
        return min(self.width, self.height)


def probe(path: Path) -> MediaInfo:
    """Describe the first video stream and the container of ``path``, or raise MediaError."""
    report = _ffprobe_json(path)
    streams = report.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not s.get("disposition", {}).get("attached_pic")), None)
    if video is None:
        raise MediaError("El archivo no contiene una pista de video.")
    duration = _duration(report.get("format", {}), video)
    width, height = _display_size(video)
    return MediaInfo(
        container=report.get("format", {}).get("format_name", ""),
        video_codec=video.get("codec_name", ""),
        width=width,
        height=height,
        duration=duration,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
        frame_rate=_frame_rate(video),
    )


def check_decodable_end(path: Path, duration: float) -> None:
    """Decode a frame of the last second, so a file cut short after its header is caught before it is
    accepted; a seek past the end of the data decodes nothing without any error, so the frame is counted."""
    start = max(duration - 1.0, 0.0)
    result = _run_bounded(
        [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-ss", f"{start:.3f}", "-i", str(path),
         "-map", "0:v:0", "-frames:v", "1", "-f", "framecrc", "-"])
    decoded = any(line and not line.startswith("#") for line in result.stdout.splitlines())
    damaged = "Invalid data" in result.stderr or "partial file" in result.stderr
    if result.returncode != 0 or not decoded or damaged:
        raise MediaError("El archivo de video está incompleto o dañado.")


def _run_bounded(command: list[str]) -> subprocess.CompletedProcess:
    """Run a media tool on an uploaded file; one that takes too long makes the file unusable (MediaError),
    never an unhandled TimeoutExpired."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError("No se pudo leer el archivo de video a tiempo.") from exc


def _ffprobe_json(path: Path) -> dict:
    result = _run_bounded([FFPROBE, "-hide_banner", "-v", "error", "-print_format", "json",
                           "-show_format", "-show_streams", str(path)])
    if result.returncode != 0:
        raise MediaError("El archivo no es un video válido.")
    return json.loads(result.stdout or "{}")


def _duration(container: dict, video: dict) -> float:
    for value in (container.get("duration"), video.get("duration")):
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds > 0:
            return seconds
    raise MediaError("No se pudo determinar la duración del video.")


def _frame_rate(video: dict) -> float:
    """The average frame rate ("30000/1001"), falling back to the nominal one."""
    for value in (video.get("avg_frame_rate"), video.get("r_frame_rate")):
        numerator, _, denominator = str(value or "").partition("/")
        try:
            rate = float(numerator) / float(denominator or 1)
        except (ValueError, ZeroDivisionError):
            continue
        if rate > 0:
            return rate
    return 0.0


def _display_size(video: dict) -> tuple[int, int]:
    """Width and height as shown, honouring a 90/270 degree rotation from the phone's metadata."""
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if not width or not height:
        raise MediaError("No se pudo determinar la resolución del video.")
    rotation = _rotation(video)
    return (height, width) if rotation % 180 == 90 else (width, height)


def _rotation(video: dict) -> int:
    rotate_tag = video.get("tags", {}).get("rotate")
    if rotate_tag is not None:
        return abs(int(float(rotate_tag)))
    for side_data in video.get("side_data_list", []):
        if "rotation" in side_data:
            return abs(int(float(side_data["rotation"])))
    return 0
