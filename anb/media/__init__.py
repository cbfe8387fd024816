"""The media work of the pipeline (probe, trim, fit, brand), usable and testable without Flask or Celery."""

from anb.media import tools  # noqa: F401  (points MoviePy at the system ffmpeg before it is imported)
