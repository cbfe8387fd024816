"""Which ffmpeg binaries the media code runs: the system ones, the same ones MoviePy is told to use."""

import os

FFMPEG = os.environ.setdefault("FFMPEG_BINARY", "/usr/bin/ffmpeg")
FFPROBE = os.environ.get("FFPROBE_BINARY", "/usr/bin/ffprobe")
