"""The Celery entry point: ``celery -A celery_worker worker -Q trim,transform,brand,finalize``."""

import os
from pathlib import Path

# Pool processes record metrics in prometheus_client's multiprocess files (set before it is imported);
# `python -m anb.observability.exporter` serves their sum.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(Path(__file__).resolve().parent / "var/metrics/celery"))
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

from anb import create_app  # noqa: E402

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
