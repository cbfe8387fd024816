"""Benchmark the trim -> fit -> brand chain against the single-pass ffmpeg reference.

Usage: .venv/bin/python scripts/bench_pipeline.py [--runs N] [--clip landscape|portrait] [--json]
       .venv/bin/python scripts/bench_pipeline.py --poster-cost N [--clip ...]

For each clip (generated once with ffmpeg lavfi and cached in var/bench/): runs the reference script, then
the three stages in sequence, each in its own child process (as separate Celery workers would), and prints
wall times, the ratio, peak RSS, output sizes and the SSIM of our output against the reference's. The brand
stage writes the poster frame too, as the chain's does.

``--poster-cost N`` times only the brand stage on the clip's fitted intermediate, N times with the poster
frame and N times without, alternating, to show what the poster adds to the stage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from anb.media.synthetic import make_clip
from anb.media.tools import FFMPEG

ROOT = Path(__file__).resolve().parent.parent

BENCH_DIR = ROOT / "var" / "bench"
#: ../shared/bench/reference_pipeline.sh of the checkout (main) or of a worktree's main (one level up).
REFERENCE = next((folder / "shared" / "bench" / "reference_pipeline.sh" for folder in ROOT.parents
                  if (folder / "shared" / "bench" / "reference_pipeline.sh").is_file()),
                 ROOT.parent / "shared" / "bench" / "reference_pipeline.sh")
CARD, WATERMARK = ROOT / "static" / "anb_card.png", ROOT / "static" / "anb_watermark.png"
#: Card clips rendered once (by the first brand run) and reused, as a worker's MEDIA_ROOT/cache is.
CARD_CACHE = BENCH_DIR / "cache"
#: name -> (width, height, seconds). Moving test pattern plus temporal noise: roughly phone-camera bitrate.
CLIPS = {"landscape": (1920, 1080, 60), "portrait": (1080, 1920, 45)}
STAGES = ("trim", "fit", "brand")


@dataclass
class StageRun:
    """One stage as a child process: wall and CPU time with startup, time inside the function, peak memory."""

    name: str
    wall_s: float
    cpu_s: float
    inner_s: float
    python_rss_mb: float
    ffmpeg_rss_mb: float

    @property
    def peak_rss_mb(self) -> float:
        """Python and its ffmpeg child are alive together, so their sum bounds the stage's peak."""
        return self.python_rss_mb + self.ffmpeg_rss_mb


@dataclass
class ClipRun:
    """One clip's comparison: the reference against our three stages."""

    clip: str
    load_before: float
    reference_s: float
    reference_cpu_s: float
    reference_rss_mb: float
    reference_bytes: int
    stages: list[StageRun] = field(default_factory=list)
    ours_bytes: int = 0
    ssim: float = 0.0

    @property
    def ours_s(self) -> float:
        """The chain's wall time, child-process startup included."""
        return sum(stage.wall_s for stage in self.stages)

    @property
    def ratio(self) -> float:
        """How many reference runs our chain costs: the issue's target is at most 1.5."""
        return self.ours_s / self.reference_s

    @property
    def cpu_ratio(self) -> float:
        """The same ratio in CPU seconds (user + system): steadier when other work shares the machine."""
        return sum(stage.cpu_s for stage in self.stages) / self.reference_cpu_s


def source_clip(name: str) -> Path:
    """Generate the benchmark input once (with audio, like an upload) and reuse it afterwards."""
    width, height, seconds = CLIPS[name]
    path = BENCH_DIR / f"{name}_{seconds}s.mp4"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        make_clip(path, width, height, seconds, phone_like=True)
    return path


def timed_child(command: list[str]) -> tuple[float, float, float, str]:
    """Run a command; return its wall time, CPU time and peak RSS (MB) of its process tree, and stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} failed with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def run_stage(name: str, src: Path, dst: Path) -> StageRun:
    """Run one stage in a fresh interpreter, the way a worker on its own queue would."""
    wall, cpu, _, stdout = timed_child([sys.executable, __file__, "--stage", name, str(src), str(dst)])
    report = json.loads(stdout.strip().splitlines()[-1])
    return StageRun(name, wall, cpu, report["inner_s"], report["python_rss_mb"], report["ffmpeg_rss_mb"])


def stage_main(name: str, src: Path, dst: Path) -> None:
    """Child side of run_stage: call the stage function and report time and memory as JSON."""
    from anb.media.brand import brand
    from anb.media.transform import fit
    from anb.media.trim import trim

    start = time.perf_counter()
    if name == "trim":
        trim(src, dst)
    elif name == "fit":
        fit(src, dst)
    elif name == "brand-without-poster":
        brand(src, dst, CARD, WATERMARK, CARD_CACHE)
    else:
        brand(src, dst, CARD, WATERMARK, CARD_CACHE, poster=dst.with_suffix(".jpg"))
    inner = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"inner_s": inner, "python_rss_mb": own, "ffmpeg_rss_mb": children}))


def ssim(ours: Path, reference: Path) -> float:
    """SSIM "All" of our output against the reference's, frame by frame, from ffmpeg's ssim filter."""
    result = subprocess.run([FFMPEG, "-hide_banner", "-nostdin", "-i", str(ours), "-i", str(reference),
                             "-lavfi", "ssim", "-f", "null", "-"], capture_output=True, text=True, check=True)
    return float(re.findall(r"All:([0-9.]+)", result.stderr)[-1])


def bench_clip(name: str) -> ClipRun:
    """Reference first, then our chain on the same input, then compare the two outputs."""
    src, work = source_clip(name), BENCH_DIR / "out"
    work.mkdir(parents=True, exist_ok=True)
    ref_out = work / f"{name}_reference.mp4"
    load = os.getloadavg()[0]
    reference = ["bash", str(REFERENCE), str(src), str(ref_out), str(CARD), str(WATERMARK)]
    ref_s, ref_cpu, ref_rss, _ = timed_child(reference)
    run = ClipRun(name, load, ref_s, ref_cpu, ref_rss, ref_out.stat().st_size)
    current = src
    for stage in STAGES:
        out = work / f"{name}_{stage}.mp4"
        run.stages.append(run_stage(stage, current, out))
        current = out
    run.ours_bytes, run.ssim = current.stat().st_size, ssim(current, ref_out)
    return run


def poster_cost(name: str, runs: int) -> dict:
    """Brand stage times with and without the poster frame, alternating, on the clip's fitted intermediate."""
    work = BENCH_DIR / "out"
    fitted = work / f"{name}_fit.mp4"
    if not fitted.exists():
        work.mkdir(parents=True, exist_ok=True)
        trimmed = work / f"{name}_trim.mp4"
        run_stage("trim", source_clip(name), trimmed)
        run_stage("fit", trimmed, fitted)
    load = os.getloadavg()[0]
    times: dict[str, list[StageRun]] = {"brand": [], "brand-without-poster": []}
    for _ in range(runs):
        for stage in times:
            times[stage].append(run_stage(stage, fitted, work / f"{name}_{stage}.mp4"))
    return {"clip": name, "load_before": load,
            **{f"{label}_{measure}": [getattr(run, measure) for run in times[stage]]
               for label, stage in (("with_poster", "brand"), ("without_poster", "brand-without-poster"))
               for measure in ("inner_s", "cpu_s")}}


def report(run: ClipRun) -> str:
    """Human-readable summary of one clip's comparison."""
    lines = [f"== {run.clip} (load avg before: {run.load_before:.2f})",
             f"reference: {run.reference_s:6.2f} s (CPU {run.reference_cpu_s:5.2f} s)  "
             f"peak RSS {run.reference_rss_mb:6.0f} MB  {run.reference_bytes / 1e6:.1f} MB out"]
    for stage in run.stages:
        lines.append(f"  {stage.name:6s} {stage.wall_s:6.2f} s (CPU {stage.cpu_s:5.2f} s, in function "
                     f"{stage.inner_s:5.2f} s)  "
                     f"peak RSS {stage.peak_rss_mb:5.0f} MB (python {stage.python_rss_mb:.0f} + "
                     f"ffmpeg {stage.ffmpeg_rss_mb:.0f})")
    lines.append(f"ours:      {run.ours_s:6.2f} s  ratio {run.ratio:.2f}x  max stage RSS "
                 f"{max(s.peak_rss_mb for s in run.stages):.0f} MB  {run.ours_bytes / 1e6:.1f} MB out  "
                 f"SSIM {run.ssim:.4f}  CPU ratio {run.cpu_ratio:.2f}x")
    return "\n".join(lines)


def as_dict(run: ClipRun) -> dict:
    """JSON form of a clip run, with the derived figures included."""
    data = asdict(run)
    data.update(ours_s=run.ours_s, ratio=run.ratio, cpu_ratio=run.cpu_ratio)
    for stage, stage_data in zip(run.stages, data["stages"], strict=True):
        stage_data["peak_rss_mb"] = stage.peak_rss_mb
    return data


def main() -> None:
    """Parse arguments; run the child stage, or the whole benchmark."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--clip", choices=sorted(CLIPS), action="append")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--poster-cost", type=int, metavar="N",
                        help="time the brand stage N times with and N times without the poster frame")
    parser.add_argument("--stage", nargs=3, metavar=("NAME", "SRC", "DST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        return stage_main(args.stage[0], Path(args.stage[1]), Path(args.stage[2]))
    if args.poster_cost:
        costs = [poster_cost(clip, args.poster_cost) for clip in (args.clip or list(CLIPS))]
        return print(json.dumps(costs, indent=2))
    runs = [bench_clip(clip) for _ in range(args.runs) for clip in (args.clip or list(CLIPS))]
    print(json.dumps([as_dict(run) for run in runs], indent=2) if args.json
          else "\n".join(report(run) for run in runs))


if __name__ == "__main__":
    main()
