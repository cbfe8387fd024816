"""The competition's rules for an uploaded file, checked on its content, never its name or content type."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from anb.media.probe import MP4_FAMILY, MediaError, MediaInfo, check_decodable_end, probe


class InvalidUpload(Exception):
    """The file breaks a rule; the message says which, in Spanish, for the player."""


def validate_video(path: Path, size: int) -> MediaInfo:
    """Probe ``path`` and check it against the configured limits, or raise InvalidUpload."""
    config = current_app.config
    if size == 0:
        raise InvalidUpload("El archivo está vacío.")
    if size > config["MAX_UPLOAD_BYTES"]:
        limit_mb = config["MAX_UPLOAD_BYTES"] // 2**20
        raise InvalidUpload(f"El archivo supera el tamaño máximo de {limit_mb} MB.")
    try:
        info = probe(path)
        if info.container != MP4_FAMILY:
            raise InvalidUpload("Error en el archivo (tipo o tamaño inválido). Solo se aceptan videos MP4.")
        _check_limits(info)
        check_decodable_end(path, info.duration)
    except MediaError as exc:
        raise InvalidUpload(f"Error en el archivo (tipo o tamaño inválido). {exc}") from exc
    return info


def _check_limits(info: MediaInfo) -> None:
    config = current_app.config
    low, high = config["VIDEO_MIN_SECONDS"], config["VIDEO_MAX_SECONDS"]
    if not low <= info.duration <= high:
        raise InvalidUpload(f"La duración del video debe estar entre {low:g} y {high:g} segundos "
                            f"(tiene {info.duration:.1f} s).")
    if info.short_side < config["VIDEO_MIN_SHORT_SIDE"]:
        raise InvalidUpload(f"La resolución mínima es {config['VIDEO_MIN_SHORT_SIDE']}p "
                            f"(el video es {info.width}x{info.height}).")
    # Beyond these one upload would hold a worker for minutes: refused before anything is queued.
    if max(info.width, info.height) > config["VIDEO_MAX_LONG_SIDE"]:
        raise InvalidUpload(f"La resolución máxima es de {config['VIDEO_MAX_LONG_SIDE']} píxeles por lado "
                            f"(el video es {info.width}x{info.height}).")
    if info.frame_rate > config["VIDEO_MAX_FRAME_RATE"]:
        raise InvalidUpload(f"La tasa máxima es de {config['VIDEO_MAX_FRAME_RATE']:g} cuadros por segundo "
                            f"(el video tiene {info.frame_rate:.0f}).")
