"""Celery bound to the Flask app, as in Flask's own Celery pattern: every task runs in an app context."""

from __future__ import annotations

from celery import Celery, Task
from celery.signals import worker_ready
from flask import Flask

from anb.videos import deadletters


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app from ``app.config["CELERY"]`` and make it the default for ``shared_task``."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

        def flask_context(self):
            """An app context for handlers Celery calls outside the task body (e.g. on_failure)."""
            return app.app_context()

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    @worker_ready.connect(weak=False, dispatch_uid="anb.declare_dead_letters")
    def declare_dead_letters(sender, **kwargs) -> None:
        """Before any job can die, its dead-letter exchange and queue exist."""
        with sender.app.connection_for_write() as connection:
            deadletters.declare(connection)

    return celery_app
