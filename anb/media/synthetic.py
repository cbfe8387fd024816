"""Synthetic clips from ffmpeg's lavfi sources: the inputs of the tests and the benchmarks' workloads.

One maker for both, so a benchmark measures the same kind of file the tests check.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

from anb.media.tools import FFMPEG

#: Temporal noise and a phone camera's rate control: roughly the bitrate a real upload has.
PHONE_ENCODING = ["-vf", "noise=alls=6:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                  "-maxrate", "16M", "-bufsize", "32M", "-g", "60"]
#: As fast as x264 goes, one keyframe a second: small files for tests.
QUICK_ENCODING = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30"]


def make_clip(path: Path, width: int, height: int, seconds: float, *, audio: bool = True,
              faststart: bool = True, phone_like: bool = False, rate: float = 30,
              variable_rate: bool = False, rotation: int = 0) -> Path:
    """An H.264 MP4 of a moving test pattern (and a 440 Hz tone), written under a temporary name first.

    ``rate`` frames a second; ``variable_rate`` drops frames irregularly (timestamps kept, as a phone
    does); ``rotation`` stores display-matrix metadata (a phone held upright records landscape pixels
    with rotation 90).
    """
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={rate:g}:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-c:a", "aac", "-b:a", "128k", "-shortest"]
    encoding = PHONE_ENCODING if phone_like else QUICK_ENCODING
    if variable_rate:
        command += ["-vf", "select='not(mod(n\\,3))+not(mod(n\\,7))'", "-fps_mode", "vfr"]
    command += [*encoding, "-pix_fmt", "yuv420p"]
    if faststart:
        command += ["-movflags", "+faststart"]
    part = path.with_name(f".part-{path.name}")
    subprocess.run([*command, "-f", "mp4", str(part)], check=True)
    if rotation:
        _set_display_rotation(part, rotation)
    os.replace(part, path)
    return path


#: tkhd display matrices (16.16 and 2.30 fixed point) of a picture shown rotated by 90, 180, 270 degrees.
ROTATION_MATRICES = {90: (0, 1 << 16, 0, -(1 << 16), 0, 0, 0, 0, 1 << 30),
                     180: (-(1 << 16), 0, 0, 0, -(1 << 16), 0, 0, 0, 1 << 30),
                     270: (0, -(1 << 16), 0, 1 << 16, 0, 0, 0, 0, 1 << 30)}


def _set_display_rotation(path: Path, degrees: int) -> None:
    """Write the rotation into the video track's header, as a phone does (this ffmpeg cannot set it)."""
    data = bytearray(path.read_bytes())
    start = 0
    while (start := data.find(b"tkhd", start + 1)) != -1:
        box = start - 4
        version = data[start + 4]
        matrix = box + (60 if version == 1 else 48)
        width = int.from_bytes(data[matrix + 36:matrix + 40], "big")
        if width:  # the video track (an audio track's header has no size)
            data[matrix:matrix + 36] = struct.pack(">9i", *ROTATION_MATRICES[degrees])
            path.write_bytes(bytes(data))
            return
    raise ValueError(f"no video track header in {path}")


def make_audio_only(path: Path, seconds: float) -> Path:
    """An MP4 container holding only an AAC track."""
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", str(path)], check=True)
    return path


def truncated_copy(source: Path, path: Path, fraction: float = 0.5) -> Path:
    """The first ``fraction`` of ``source``'s bytes: an upload cut off half way."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def zero_frames_copy(source: Path, path: Path) -> Path:
    """``source`` with its video track's sample count set to zero: a video stream with no frames."""
    data = bytearray(source.read_bytes())
    at = data.find(b"stsz")  # the first track is the video (make_clip maps it first)
    data[at + 12:at + 16] = bytes(4)
    path.write_bytes(bytes(data))
    return path


def huge_duration_copy(source: Path, path: Path) -> Path:
    """``source`` whose movie and track headers claim a duration of about 25 days."""
    data = bytearray(source.read_bytes())
    for box in (b"mvhd", b"mdhd"):
        at = data.find(box)
        data[at + 20:at + 24] = struct.pack(">I", 0x7FFFFFFF)
    path.write_bytes(bytes(data))
    return path


def padded_copy(source: Path, path: Path, size: int) -> Path:
    """``source`` with zero bytes appended up to ``size`` bytes: a valid video over a size limit."""
    shutil.copyfile(source, path)
    with path.open("ab") as file:
        file.truncate(max(size, source.stat().st_size))
    return path


#: The hostile corpus: what each file is. Each must end in a 4xx at upload or `failed` with a reason
#: (or `processed` correctly, for the variable-rate and the rotated phone clip), never a stuck worker.
HOSTILE = {
    "renamed_text": "a text file named .mp4",
    "empty": "zero bytes",
    "truncated": "the first half of a valid clip",
    "zero_video_frames": "a video track with no frames",
    "audio_only": "an MP4 with only an audio track",
    "eight_k": "beyond the resolution limit (7680x4320; small: 1920x1080)",
    "fps_240": "240 frames a second",
    "variable_rate": "variable frame rate (frames dropped irregularly)",
    "rotated_phone": "landscape pixels with rotation 90: shown upright and portrait",
    "huge_duration_header": "headers claiming ~25 days",
    "oversize": "a valid clip padded over the upload size limit",
}


def make_hostile_corpus(folder: Path, *, small: bool, max_bytes: int) -> dict[str, Path]:
    """Write the hostile corpus into ``folder``. ``small``: sizes for the tests' limits (2-20 s, short side
    >= 240, long side <= 1280), else for production's (20-60 s, >= 1080p, <= 3840)."""
    folder.mkdir(parents=True, exist_ok=True)
    side, long_side, seconds = (240, 426, 3) if small else (1080, 1920, 25)
    valid = make_clip(folder / "valid.mp4", long_side, side, seconds)
    files = {
        "renamed_text": folder / "renamed_text.mp4",
        "empty": folder / "empty.mp4",
        "truncated": truncated_copy(valid, folder / "truncated.mp4"),
        "zero_video_frames": zero_frames_copy(valid, folder / "zero_video_frames.mp4"),
        "audio_only": make_audio_only(folder / "audio_only.mp4", seconds),
        "eight_k": make_clip(folder / "eight_k.mp4", *((1920, 1080) if small else (7680, 4320)), seconds,
                             audio=False, rate=30 if small else 5),
        "fps_240": make_clip(folder / "fps_240.mp4", long_side, side, seconds, audio=False, rate=240),
        "variable_rate": make_clip(folder / "variable_rate.mp4", long_side, side, seconds,
                                   variable_rate=True),
        "rotated_phone": make_clip(folder / "rotated_phone.mp4", long_side, side, seconds, rotation=90),
        "huge_duration_header": huge_duration_copy(valid, folder / "huge_duration_header.mp4"),
        "oversize": padded_copy(valid, folder / "oversize.mp4", max_bytes + 1),
    }
    files["renamed_text"].write_text("definitely not a video\n" * 100)
    files["empty"].write_bytes(b"")
    valid.unlink()
    return files
