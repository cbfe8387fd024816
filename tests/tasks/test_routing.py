"""Every stage goes to its own queue, and a task nobody routed fails to send instead of landing anywhere."""

import pytest
from celery.exceptions import QueueNotFound

from config import MAINTENANCE_QUEUE, PIPELINE_QUEUES


def test_each_stage_is_routed_to_its_own_queue(app):
    celery = app.extensions["celery"]
    names = {"trim": "tasks.trim.trim_video", "transform": "tasks.transform.fit_video",
             "brand": "tasks.brand.brand_video", "finalize": "tasks.finalize.publish_video"}

    routed = {queue: celery.amqp.router.route({}, name)["queue"].name for queue, name in names.items()}

    assert routed == {queue: queue for queue in PIPELINE_QUEUES}
    assert set(names.values()) <= set(celery.tasks)


def test_the_sweeper_has_its_own_queue_and_a_beat_schedule(app):
    celery = app.extensions["celery"]

    assert celery.amqp.router.route({}, "tasks.sweeper.sweep")["queue"].name == MAINTENANCE_QUEUE
    assert celery.conf.beat_schedule["sweep"]["task"] == "tasks.sweeper.sweep"
    celery.loader.import_default_modules()  # what a worker does at start
    assert "tasks.sweeper.sweep" in celery.tasks


def test_an_unrouted_task_is_refused_not_sent_to_a_stage_queue(app):
    celery = app.extensions["celery"]

    with pytest.raises(QueueNotFound):
        celery.send_task("tasks.nowhere.lost")
