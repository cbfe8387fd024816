"""Stage 3 of the chain: logo cards at both ends and the watermark, encoded once at the final settings."""

from __future__ import annotations

from pathlib import Path

from anb.media.probe import probe
from anb.media.transform import FPS
from anb.media.trim import atomic_output, ffmpeg_command, require_file, run_ffmpeg

WATERMARK_MARGIN = 16
#: The reference's delivery settings: what players and the storage budget were sized for.
FINAL_CODEC = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
               "-movflags", "+faststart")


def brand_filter(size: tuple[int, int], card_frames: int, margin: int = WATERMARK_MARGIN) -> str:
    """Overlay the mark top-right; convert the card once and repeat it; join card + main + card."""
    width, height = size
    card = (f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,"
            f"loop=loop={card_frames - 1}:size=1,setpts=N/{FPS}/TB")
    return (f"[0:v][2:v]overlay=W-w-{margin}:{margin},setsar=1,format=yuv420p[main];"
            f"[1:v]{card},split=2[open][close];[open][main][close]concat=n=3:v=1:a=0,fps={FPS}[v]")


def brand(src: Path, dst: Path, card: Path, watermark: Path, card_seconds: float = 2.5) -> Path:
    """Add bumpers and watermark in one ffmpeg pass, so the only expensive encode is the final one."""
    src, dst = Path(src), Path(dst)
    require_file(src)
    info = probe(src)
    graph = brand_filter((info.width, info.height), max(1, round(card_seconds * FPS)))
    with atomic_output(dst) as tmp:
        run_ffmpeg(ffmpeg_command("-i", str(src), "-framerate", str(FPS), "-i", str(card),
                                  "-i", str(watermark), "-filter_complex", graph, "-map", "[v]",
                                  "-an", "-sn", "-dn", *FINAL_CODEC, str(tmp)), src)
    return dst
