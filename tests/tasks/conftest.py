"""A real worker for the pipeline tests, consuming the test vhost's queues (purged first)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from anb import create_app
from config import TestingConfig
from tests.worker import Worker


@pytest.fixture(scope="session")
def worker(tmp_path_factory) -> Iterator[Worker]:
    """One worker for the session; tests that kill it start it again."""
    celery = create_app(TestingConfig).extensions["celery"]
    celery.control.purge()
    running = Worker(tmp_path_factory.mktemp("worker") / "worker.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def live_worker(worker: Worker) -> Worker:
    """The session worker, restarted if a previous test killed it."""
    if worker.process is None or worker.process.poll() is not None:
        worker.start()
    return worker
