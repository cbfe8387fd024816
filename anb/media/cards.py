"""The opening/closing logo card as a video clip, rendered once by MoviePy and reused by every video."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from moviepy import ImageClip
from PIL import Image, ImageOps

from anb.media.ffmpeg import atomic_output

#: Bump when the encode below changes, so cached cards made with the old settings are not reused.
CARD_FORMAT = "h264-veryfast-crf23-yuv420p-sar1-v1"


def card_clip(card_png: Path, cache_dir: Path, seconds: float = 2.5, size: tuple[int, int] = (1280, 720),
              fps: int = 30) -> Path:
    """The card's video, from the cache when this PNG was already rendered with these parameters."""
    card_png, cache_dir = Path(card_png), Path(cache_dir)
    cached = cache_dir / f"card-{card_key(card_png, seconds, size, fps)}.mp4"
    if not cached.is_file():
        with atomic_output(cached) as tmp:  # concurrent workers may both render; each rename is whole
            render_card(card_png, tmp, seconds, size, fps)
    return cached


def card_key(card_png: Path, seconds: float, size: tuple[int, int], fps: int) -> str:
    """Name the clip by the PNG's content and every parameter, so a new logo never hits a stale file."""
    digest = hashlib.sha256(card_png.read_bytes())
    digest.update(f"{seconds:g}|{size[0]}x{size[1]}|{fps}|{CARD_FORMAT}".encode())
    return digest.hexdigest()[:24]


def fitted_card(card_png: Path, size: tuple[int, int]) -> np.ndarray:
    """The card scaled to fit ``size`` without distortion, centred on black, as the reference pads it."""
    with Image.open(card_png) as image:
        return np.asarray(ImageOps.pad(image.convert("RGB"), size, color=(0, 0, 0)))


def render_card(card_png: Path, dst: Path, seconds: float, size: tuple[int, int], fps: int) -> None:
    """Encode the still card at the delivery settings, so it can be joined to the main part as is."""
    clip = ImageClip(fitted_card(card_png, size)).with_duration(seconds)
    try:  # setsar=1: the joined file keeps the card's H.264 header, which must say square pixels
        clip.write_videofile(str(dst), fps=fps, codec="libx264", preset="veryfast", audio=False,
                             ffmpeg_params=["-crf", "23", "-pix_fmt", "yuv420p", "-vf", "setsar=1"],
                             logger=None)
    finally:
        clip.close()
