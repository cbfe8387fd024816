"""Stage 3 of the chain: the watermark on the main part, joined between the cached logo cards."""

from __future__ import annotations

from pathlib import Path

from anb.media.cards import card_clip
from anb.media.ffmpeg import atomic_output, ffmpeg_command, require_file, run_ffmpeg, scratch_path
from anb.media.probe import probe
from anb.media.transform import FPS

WATERMARK_MARGIN = 16
#: The reference's delivery settings, the same ones the card clips are encoded with (cards.py), so the
#: parts share one H.264 configuration and can be joined without re-encoding.
FINAL_CODEC = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p")


def brand(src: Path, dst: Path, card: Path, watermark: Path, cache_dir: Path,
          card_seconds: float = 2.5) -> Path:
    """Encode only the watermarked main part: the cards are encoded once per logo, then stream-copied."""
    src, dst = Path(src), Path(dst)
    require_file(src)
    info = probe(src)
    card_video = card_clip(card, cache_dir, card_seconds, (info.width, info.height), FPS)
    with atomic_output(dst) as tmp, scratch_path(dst) as main, scratch_path(dst, ".txt") as playlist:
        watermark_main(src, main, watermark)
        playlist.write_text(concat_list([card_video, main, card_video]))
        run_ffmpeg(ffmpeg_command("-f", "concat", "-safe", "0", "-i", str(playlist), "-map", "0:v:0",
                                  "-c", "copy", "-movflags", "+faststart", str(tmp)), main)
    return dst


def watermark_main(src: Path, dst: Path, watermark: Path, margin: int = WATERMARK_MARGIN) -> None:
    """Overlay the mark top-right and encode at the final settings: the one expensive step of the stage."""
    graph = f"[0:v][1:v]overlay=W-w-{margin}:{margin},setsar=1,format=yuv420p[v]"
    run_ffmpeg(ffmpeg_command("-i", str(src), "-i", str(watermark), "-filter_complex", graph,
                              "-map", "[v]", "-an", "-sn", "-dn", *FINAL_CODEC, str(dst)), src)


def concat_list(parts: list[Path]) -> str:
    """The concat demuxer's playlist, with paths quoted the way it parses them."""
    return "".join("file '{}'\n".format(str(part.resolve()).replace("'", "'\\''")) for part in parts)
