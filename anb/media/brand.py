"""Stage 3 of the chain: the watermark on the main part, joined between the cached logo cards, and the
poster frame taken from the playing part."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from anb.media.cards import card_clip
from anb.media.ffmpeg import (
    FFmpegError,
    atomic_output,
    ffmpeg_command,
    require_file,
    run_ffmpeg,
    scratch_path,
)
from anb.media.probe import probe
from anb.media.transform import FPS

WATERMARK_MARGIN = 16
#: The reference's delivery settings, the same ones the card clips are encoded with (cards.py), so the
#: parts share one H.264 configuration and can be joined without re-encoding.
FINAL_CODEC = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p")
POSTER_SIZE = (640, 360)
#: JPEG quality on ffmpeg's 2 (best) to 31 scale.
POSTER_QUALITY = "3"
#: Where in the playing part the poster is taken: its middle, past any fade-in or slow start.
POSTER_POINT = 0.5


def brand(src: Path, dst: Path, card: Path, watermark: Path, cache_dir: Path,
          card_seconds: float = 2.5, poster: Path | None = None) -> Path:
    """Encode only the watermarked main part: the cards are encoded once per logo, then stream-copied.
    With ``poster``, a JPEG of a frame of the playing part is written there."""
    src, dst = Path(src), Path(dst)
    require_file(src)
    info = probe(src)
    card_video = card_clip(card, cache_dir, card_seconds, (info.width, info.height), FPS)
    with ExitStack() as files:
        tmp, main = files.enter_context(atomic_output(dst)), files.enter_context(scratch_path(dst))
        playlist = files.enter_context(scratch_path(dst, ".txt"))
        if poster:
            write_poster(src, files.enter_context(atomic_output(Path(poster))), info.duration * POSTER_POINT)
        watermark_main(src, main, watermark)
        playlist.write_text(concat_list([card_video, main, card_video]))
        run_ffmpeg(ffmpeg_command("-f", "concat", "-safe", "0", "-i", str(playlist), "-map", "0:v:0",
                                  "-c", "copy", "-movflags", "+faststart", str(tmp)), main)
    return dst


def write_poster(src: Path, path: Path, seconds: float) -> None:
    """One frame at ``seconds`` as a 640x360 JPEG; the seek decodes only the frames since the keyframe before.

    Not a second output of the watermark pass: ffmpeg feeds its outputs in timestamp order, so an output
    waiting for a frame in the middle makes it queue every decoded frame before it (~0.8 GB at 1080p).
    """
    width, height = POSTER_SIZE
    command = ffmpeg_command("-ss", f"{seconds:.3f}", "-i", str(src), "-map", "0:v:0", "-frames:v", "1",
                             "-vf", f"scale={width}:{height},setsar=1", "-q:v", POSTER_QUALITY,
                             "-update", "1", "-f", "image2", str(path))
    run_ffmpeg(command, src)
    if path.stat().st_size == 0:
        raise FFmpegError(command, None, f"no frame at {seconds:.3f} s for the poster")


def watermark_main(src: Path, dst: Path, watermark: Path, margin: int = WATERMARK_MARGIN) -> None:
    """Overlay the mark top-right and encode at the final settings: the one expensive step of the stage."""
    run_ffmpeg(ffmpeg_command("-i", str(src), "-i", str(watermark), "-filter_complex",
                              f"[0:v][1:v]overlay=W-w-{margin}:{margin},setsar=1,format=yuv420p[v]",
                              "-map", "[v]", "-an", "-sn", "-dn", *FINAL_CODEC, str(dst)), src)


def concat_list(parts: list[Path]) -> str:
    """The concat demuxer's playlist, with paths quoted the way it parses them."""
    return "".join("file '{}'\n".format(str(part.resolve()).replace("'", "'\\''")) for part in parts)
