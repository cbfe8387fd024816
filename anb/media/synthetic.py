"""Synthetic clips from ffmpeg's lavfi sources: the inputs of the tests and the benchmarks' workloads.

One maker for both, so a benchmark measures the same kind of file the tests check.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from anb.media.tools import FFMPEG

#: Temporal noise and a phone camera's rate control: roughly the bitrate a real upload has.
PHONE_ENCODING = ["-vf", "noise=alls=6:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                  "-maxrate", "16M", "-bufsize", "32M", "-g", "60"]
#: As fast as x264 goes, one keyframe a second: small files for tests.
QUICK_ENCODING = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30"]


def make_clip(path: Path, width: int, height: int, seconds: float, *, audio: bool = True,
              faststart: bool = True, phone_like: bool = False) -> Path:
    """An H.264 MP4 of a moving test pattern (and a 440 Hz tone), written under a temporary name first."""
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-c:a", "aac", "-b:a", "128k", "-shortest"]
    command += [*(PHONE_ENCODING if phone_like else QUICK_ENCODING), "-pix_fmt", "yuv420p"]
    if faststart:
        command += ["-movflags", "+faststart"]
    part = path.with_name(f".part-{path.name}")
    subprocess.run([*command, "-f", "mp4", str(part)], check=True)
    os.replace(part, path)
    return path
