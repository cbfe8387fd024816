"""The processing chain's Celery tasks, one module per stage, each routed to its own queue."""
