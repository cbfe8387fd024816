"""The media disk full (a small tmpfs of the test's own as media root): an upload answers a JSON 507 and
leaves nothing half-written; a stage that cannot write fails its video with a reason and no leftovers."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from anb import create_app
from anb.extensions import db
from anb.models import Video, VideoStatus
from config import TestingConfig
from tests.helpers import bearer, upload
from tests.worker import Worker, wait_until_finished

SIZE = "8m"


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """An 8 MB tmpfs, mounted for this test and unmounted after it."""
    mount = tmp_path / "media"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def _fill(disk: Path, leave: int) -> Path:
    """Take the disk's room but ``leave`` bytes."""
    filler = disk / "filler"
    free = _free(disk)
    with filler.open("wb") as file:
        file.write(b"\0" * max(free - leave, 0))
    return filler


def _free(disk: Path) -> int:
    stat = os.statvfs(disk)
    return stat.f_bavail * stat.f_frsize


def _files(disk: Path) -> list[str]:
    return sorted(str(path.relative_to(disk)) for path in disk.rglob("*") if path.is_file())


def test_upload_to_a_full_disk_is_507_and_leaves_nothing(app, user, clips, small_disk):
    api = create_app(type("SmallDisk", (TestingConfig,), {"MEDIA_ROOT": small_disk})).test_client()
    _fill(small_disk, leave=clips["valid"].stat().st_size // 3)

    response = upload(api, bearer(user), clips["valid"])

    assert response.status_code == 507 and response.is_json
    assert "espacio" in response.get_json()["message"]
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Video)) == 0
    assert _files(small_disk) == ["filler"]


def test_a_stage_without_room_fails_its_video_with_a_reason(app, user, clips, small_disk, worker, tmp_path):
    worker.stop()  # only the worker on the small disk may take the jobs
    api = create_app(type("SmallDisk", (TestingConfig,), {"MEDIA_ROOT": small_disk})).test_client()
    on_disk = Worker(tmp_path / "worker.log", env={"TEST_MEDIA_ROOT": str(small_disk)})
    on_disk.start()
    try:
        _fill(small_disk, leave=clips["valid"].stat().st_size + 64 * 1024)
        response = upload(api, bearer(user), clips["valid"])
        assert response.status_code == 201, response.get_json()
        video = wait_until_finished(int(response.get_json()["video_id"]), timeout=120)
    finally:
        on_disk.stop()

    assert video.status == VideoStatus.FAILED
    assert "espacio" in video.error
    assert _files(small_disk) == sorted(["filler", video.original_key])
