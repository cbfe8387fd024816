"""The sweeper (queue `maintenance`, run by Celery beat): finish what a crash interrupted."""

import logging

from celery import shared_task

from anb.videos import recovery, service

log = logging.getLogger(__name__)


@shared_task(name="tasks.sweeper.sweep", ignore_result=True)
def sweep() -> dict:
    """Re-publish stranded videos (or fail them when their attempts are spent) and delete journaled files."""
    result = recovery.requeue_stuck()
    purged = service.purge_due_deletions()
    if result.requeued or result.failed or purged:
        log.warning("sweep: requeued %s, failed %s, purged %d files", result.requeued, result.failed, purged)
    return {"requeued": result.requeued, "failed": result.failed, "purged": purged}
