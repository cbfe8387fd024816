"""The dead-letter queue: stage jobs that gave up, kept in RabbitMQ until an operator replays them.

RabbitMQ puts them there (see DEAD_LETTER_POLICY in config); this module declares the exchange and queue,
lists what is waiting and removes the letters of videos being replayed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from celery import Celery
from kombu import Connection, Exchange, Queue

from config import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE

EXCHANGE = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
QUEUE = Queue(DEAD_LETTER_QUEUE, EXCHANGE, durable=True)


@dataclass(frozen=True)
class DeadLetter:
    """One job RabbitMQ dead-lettered: which task, for which video, from which queue."""

    task: str
    video_id: int | None
    queue: str | None


def declare(connection: Connection) -> None:
    """Create the exchange and the queue (idempotent: same arguments every time)."""
    QUEUE(connection.default_channel).declare()


def _read(message) -> DeadLetter:
    args = message.decode()[0] if message.headers.get("task") else []
    job = args[0] if args and isinstance(args[0], dict) else {}
    deaths = message.headers.get("x-death") or [{}]
    return DeadLetter(message.headers.get("task", "?"), job.get("video_id"), deaths[0].get("queue"))


def _each(celery: Celery, keep) -> list[DeadLetter]:
    """Read every letter once; ``keep(letter)`` False removes it, True puts it back."""
    letters = []
    with celery.connection_for_write() as connection:
        declare(connection)
        queue = QUEUE(connection.default_channel)
        held = []
        while (message := queue.get(no_ack=False)) is not None:
            letter = _read(message)
            letters.append(letter)
            held.append((message, keep(letter)))
        for message, kept in held:
            message.requeue() if kept else message.ack()
    return letters


def pending(celery: Celery) -> list[DeadLetter]:
    """Every letter waiting, oldest first (they stay in the queue)."""
    return _each(celery, lambda letter: True)


def discard(celery: Celery, video_ids: Iterable[int] | None = None) -> list[DeadLetter]:
    """Remove the letters of these videos (all letters if None); returns the removed ones."""
    wanted = None if video_ids is None else set(video_ids)
    removed = _each(celery, lambda letter: wanted is not None and letter.video_id not in wanted)
    return [letter for letter in removed if wanted is None or letter.video_id in wanted]
