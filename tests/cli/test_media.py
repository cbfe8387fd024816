"""``flask media gc``: unaccounted files removed (old ones only), rows with missing files reported."""

from __future__ import annotations

import io
import os
import time

from anb.models import VideoStatus
from anb.storage import get_storage
from anb.videos import keys
from tests.helpers import stored, stored_files

HOUR = 3600


def _age(app, key: str, seconds: int) -> None:
    past = time.time() - seconds
    os.utime(stored(app, key), (past, past))


def test_gc_deletes_old_orphans_keeps_young_ones_and_reports_missing_files(runner, app, user, make_video):
    published = make_video(user)
    processing = make_video(user, VideoStatus.PROCESSING)
    failed = make_video(user, VideoStatus.FAILED)
    storage = get_storage()
    in_flight = keys.work_key(processing.id, 0, "trimmed.mp4")
    leftovers = [keys.work_key(failed.id, 0, "trimmed.mp4"), keys.work_key(987654, 0, "branded.mp4"),
                 keys.original_key(), keys.processed_key(987654)]
    young = keys.original_key()
    for key in (in_flight, *leftovers, young):
        storage.save(key, io.BytesIO(b"bytes"))
    for key in (in_flight, *leftovers, published.original_key, published.processed_key):
        _age(app, key, 2 * HOUR)
    storage.save("posters/1.jpg", io.BytesIO(b"not ours"))  # outside the layout: never touched
    _age(app, "posters/1.jpg", 2 * HOUR)
    stored(app, failed.original_key).unlink()

    dry = runner.invoke(args=["media", "gc", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "4 unaccounted files found, dry run" in dry.output
    assert all(stored(app, key).exists() for key in leftovers)
    assert f"missing\tvideo {failed.id} (failed)\t{failed.original_key}" in dry.output

    result = runner.invoke(args=["media", "gc"])
    assert result.exit_code == 0 and "4 unaccounted files deleted (20 bytes); 1 younger" in result.output
    assert not any(stored(app, key).exists() for key in leftovers)
    kept = {path.relative_to(app.config["MEDIA_ROOT"]).as_posix() for path in stored_files(app)}
    assert kept >= {in_flight, young, "posters/1.jpg", published.original_key, published.processed_key,
                    processing.original_key}

    again = runner.invoke(args=["media", "gc", "--grace-seconds", "0"])
    assert again.exit_code == 0 and f"deleted\t{young}" in again.output
    assert "1 rows name a missing file" in again.output
    assert "0 unaccounted files deleted" in runner.invoke(args=["media", "gc", "--grace-seconds", "0"]).output
