"""The competition's rules for an uploaded file, checked on its content, never its name or content type."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from anb.errors import UPLOAD_INVALID_MESSAGE, upload_too_large_message
from anb.media.probe import MP4_FAMILY, MediaError, MediaInfo, check_decodable_end, probe


class InvalidUpload(Exception):
    """The file breaks a rule; the message says which, in Spanish, for the player; ``reason`` names the rule
    for the metrics (empty, too_large, not_mp4, duration, resolution, unreadable)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def validate_video(path: Path, size: int) -> MediaInfo:
    """Probe ``path`` and check it against the configured limits, or raise InvalidUpload."""
    config = current_app.config
    if size == 0:
        raise InvalidUpload("El archivo está vacío.", "empty")
    if size > config["MAX_UPLOAD_BYTES"]:
        raise InvalidUpload(upload_too_large_message(config["MAX_UPLOAD_BYTES"]), "too_large")
    try:
        info = probe(path)
        if info.container != MP4_FAMILY:
            raise InvalidUpload(f"{UPLOAD_INVALID_MESSAGE} Solo se aceptan videos MP4.", "not_mp4")
        _check_limits(info)
        check_decodable_end(path, info.duration)
    except MediaError as exc:
        raise InvalidUpload(f"{UPLOAD_INVALID_MESSAGE} {exc}", "unreadable") from exc
    return info


def _check_limits(info: MediaInfo) -> None:
    config = current_app.config
    low, high = config["VIDEO_MIN_SECONDS"], config["VIDEO_MAX_SECONDS"]
    if not low <= info.duration <= high:
        raise InvalidUpload(f"La duración del video debe estar entre {low:g} y {high:g} segundos "
                            f"(tiene {info.duration:.1f} s).", "duration")
    if info.short_side < config["VIDEO_MIN_SHORT_SIDE"]:
        raise InvalidUpload(f"La resolución mínima es {config['VIDEO_MIN_SHORT_SIDE']}p "
                            f"(el video es {info.width}x{info.height}).", "resolution")
    # Beyond these one upload would hold a worker for minutes: refused before anything is queued.
    if max(info.width, info.height) > config["VIDEO_MAX_LONG_SIDE"]:
        raise InvalidUpload(f"La resolución máxima es de {config['VIDEO_MAX_LONG_SIDE']} píxeles por lado "
                            f"(el video es {info.width}x{info.height}).", "resolution")
    if info.frame_rate > config["VIDEO_MAX_FRAME_RATE"]:
        raise InvalidUpload(f"La tasa máxima es de {config['VIDEO_MAX_FRAME_RATE']:g} cuadros por segundo "
                            f"(el video tiene {info.frame_rate:.0f}).", "frame_rate")
