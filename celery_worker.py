"""The Celery entry point: ``celery -A celery_worker worker -Q trim,transform,brand,finalize``."""

from anb import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
