"""Stage 3 of the chain: the watermark on the main part, joined between the cached logo cards; the same
decode also yields the poster frame."""

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
    With ``poster``, a JPEG of a frame of the playing part is written there from the same decode."""
    src, dst = Path(src), Path(dst)
    require_file(src)
    info = probe(src)
    card_video = card_clip(card, cache_dir, card_seconds, (info.width, info.height), FPS)
    poster_frame = int(info.duration * FPS * POSTER_POINT)
    with ExitStack() as files:
        tmp, main = files.enter_context(atomic_output(dst)), files.enter_context(scratch_path(dst))
        playlist = files.enter_context(scratch_path(dst, ".txt"))
        still = files.enter_context(atomic_output(Path(poster))) if poster else None
        watermark_main(src, main, watermark, poster=(still, poster_frame) if still else None)
        playlist.write_text(concat_list([card_video, main, card_video]))
        run_ffmpeg(ffmpeg_command("-f", "concat", "-safe", "0", "-i", str(playlist), "-map", "0:v:0",
                                  "-c", "copy", "-movflags", "+faststart", str(tmp)), main)
    return dst


def watermark_main(src: Path, dst: Path, watermark: Path, margin: int = WATERMARK_MARGIN,
                   poster: tuple[Path, int] | None = None) -> None:
    """Overlay the mark top-right and encode at the final settings: the one expensive step of the stage.

    ``poster`` (path, frame number): also write that one frame, before the watermark, as a JPEG, from
    the frames this pass decodes anyway (a second output of the same filter graph, no second decode).
    """
    overlay = f"overlay=W-w-{margin}:{margin},setsar=1,format=yuv420p[v]"
    if poster is None:
        graph, still = f"[0:v][1:v]{overlay}", []
    else:
        path, frame = poster
        width, height = POSTER_SIZE
        graph = (f"[0:v]split=2[main][frame];[main][1:v]{overlay};"
                 f"[frame]select='eq(n,{frame})',scale={width}:{height},setsar=1[poster]")
        still = ["-map", "[poster]", "-frames:v", "1", "-update", "1", "-q:v", POSTER_QUALITY,
                 "-f", "image2", str(path)]
    run_ffmpeg(ffmpeg_command("-i", str(src), "-i", str(watermark), "-filter_complex", graph,
                              "-map", "[v]", "-an", "-sn", "-dn", *FINAL_CODEC, str(dst), *still), src)
    if poster is not None and poster[0].stat().st_size == 0:
        raise FFmpegError(still, None, f"no frame {poster[1]} for the poster")


def concat_list(parts: list[Path]) -> str:
    """The concat demuxer's playlist, with paths quoted the way it parses them."""
    return "".join("file '{}'\n".format(str(part.resolve()).replace("'", "'\\''")) for part in parts)
