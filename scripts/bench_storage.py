"""What an upload to the S3 backend holds in memory, by multipart setting: the Python heap's peak while a
generated stream (never in memory as a whole) goes up, and the time it takes.

Usage: .venv/bin/python scripts/bench_storage.py [--mib 100]
It starts moto's S3-compatible server (requirements-dev.txt) on a free loopback port, uploads to a bucket
of its own, and stops the server at the end. moto is in-memory and on the same cores: the seconds say little
about a real store; the peak heap is the store-independent figure.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIB = 1024 * 1024
#: (part size in MiB, parts in flight): S3's smallest part, and config.Config's default (8, 2) among others.
SETTINGS = ((5, 1), (5, 2), (5, 4), (8, 2), (8, 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=100, help="size of the upload in MiB (100: the largest)")
    size = parser.parse_args().mib * MIB

    from tests.helpers import GeneratedStream, S3Server
    from tests.storage.conftest import s3_storage

    with S3Server(Path(tempfile.mkdtemp(prefix="bench-storage-")) / "moto.log") as server:
        server.create_bucket("bench-storage")
        print(f"upload of {size // MIB} MiB")
        print("| part MiB | parts in flight | peak heap MiB | seconds |\n|---|---|---|---|")
        for part, concurrency in SETTINGS:
            store = s3_storage(server, "bench-storage", S3_MULTIPART_THRESHOLD_BYTES=part * MIB,
                               S3_MULTIPART_CHUNK_BYTES=part * MIB, S3_MAX_CONCURRENCY=concurrency)
            tracemalloc.start()
            started = time.monotonic()
            stored = store.save("original/bench.mp4", io.BufferedReader(GeneratedStream(size), MIB))
            seconds = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert stored == size
            print(f"| {part} | {concurrency} | {peak / MIB:.1f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
