"""Stage 2 of the chain: the exact cut and the 16:9 fit, done by ffmpeg's filters (no RGB round trip)."""

from __future__ import annotations

from pathlib import Path

from anb.media.ffmpeg import atomic_output, ffmpeg_command, run_ffmpeg

FPS = 30
#: The intermediate only carries the fitted frames to the brand stage, so it is chosen for what it costs to
#: write and to read back: MPEG-4 Part 2 at quantiser 3 (near lossless, a keyframe every 10 s) encodes and
#: decodes for less CPU than x264 ultrafast CRF 17 did, at a higher SSIM (docs/pipeline-benchmark.md).
INTERMEDIATE_CODEC = ("-c:v", "mpeg4", "-q:v", "3", "-g", "300", "-pix_fmt", "yuv420p")


def fit_filter(size: tuple[int, int] = (1280, 720), fps: int = FPS) -> str:
    """Scale to fit (even size, no distortion) and pad with black bars, exactly as the reference does."""
    width, height = size
    return (f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps={fps}")


def fit(src: Path, dst: Path, size: tuple[int, int] = (1280, 720), max_seconds: float = 30.0) -> Path:
    """Fit the picture into ``size`` in one ffmpeg pass to a fast intermediate the brand stage re-reads."""
    src, dst = Path(src), Path(dst)
    with atomic_output(dst) as tmp:
        run_ffmpeg(ffmpeg_command("-t", f"{max_seconds:.3f}", "-i", str(src), "-map", "0:v:0",
                                  "-vf", fit_filter(size), "-an", "-sn", "-dn", *INTERMEDIATE_CODEC,
                                  str(tmp)), src)
    return dst
