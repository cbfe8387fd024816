"""The catalogue's word index (``search_terms``): how text becomes terms (words, and pairs of words), and
keeping the table in step with what the catalogue shows, which is every processed video.

``words`` is the one folding both sides use: the writers below (publication, takedown, a player's rename,
the seeder, the migration's back-fill, ``flask catalogue reindex``) and the reader (anb.public.searching).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from sqlalchemy import Connection, delete, func, insert, select

from anb.extensions import db
from anb.models import SearchTerm, TermField, User, Video, VideoStatus
from anb.models.search_term import PAIR_SEPARATOR, TERM_LENGTH

#: Shorter words are neither indexed nor looked up ("de", "la", "y" would match half the catalogue).
MIN_WORD_LENGTH = 3
#: Words too common to mean anything (the full-text index's defaults, kept so the same searches are refused).
STOPWORDS = frozenset({"about", "are", "com", "for", "from", "how", "that", "the", "this", "was", "what",
                       "when", "where", "who", "will", "with", "und", "www"})
#: Pairs are written for a field's first PAIRED_WORDS words (28 pairs at most). A field with more words gets
#: the pair term UNPAIRED instead, and a search starting from a pair also checks those videos word by word.
PAIRED_WORDS = 8
UNPAIRED = ""
#: Videos read per transaction when (re)building the index.
REINDEX_BATCH = 5_000


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "García" and "GARCIA" both give "garcia", "Muñoz" "munoz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The distinct searchable words of ``text``, folded, in order, each cut to the stored term length."""
    found = (word[:TERM_LENGTH] for word in re.findall(r"\w+", fold(text))
             if len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS)
    return list(dict.fromkeys(found))


def pair(first: str, second: str) -> str:
    """The term of two words found in one field, whichever order they come in."""
    return PAIR_SEPARATOR.join(sorted((first, second)))


def field_terms(text: str, field: TermField) -> list[tuple[str, int]]:
    """The terms (and stored fields) ``text`` gives in ``field``: its words, and the pairs of its first
    PAIRED_WORDS words (or UNPAIRED past them)."""
    found = words(text)
    pairs = [pair(first, second) for first, second in combinations(found[:PAIRED_WORDS], 2)]
    if len(found) > PAIRED_WORDS:
        pairs.append(UNPAIRED)
    return [(word, int(field)) for word in found] + [(term, field.pairs) for term in pairs]


def video_terms(title: str, first_name: str, last_name: str) -> list[tuple[str, int]]:
    """What a published video is found by: the words (and pairs) of its title and of its player's name."""
    return field_terms(title, TermField.TITLE) + field_terms(f"{first_name} {last_name}", TermField.NAME)


def term_rows(video_id: int, processed_at: datetime, terms: list[tuple[str, int]]) -> list[dict]:
    """The rows of ``search_terms`` for one video."""
    return [{"term": term, "field": field, "processed_at": processed_at, "video_id": video_id}
            for term, field in terms]


def index_video(video: Video) -> None:
    """Write the rows of a video being published, in the caller's transaction (which holds the owner's row:
    the name read here is the current one, and a rename waits for this transaction or came before it).
    Rows it may still have (its status changed behind the app's back, then republished) are replaced."""
    first_name, last_name = db.session.execute(
        select(User.first_name, User.last_name).where(User.id == video.owner_id)).one()
    rows = term_rows(video.id, video.processed_at, video_terms(video.title, first_name, last_name))
    unindex_video(video.id)
    if rows:
        db.session.execute(insert(SearchTerm), rows)


def unindex_video(video_id: int) -> None:
    """Take a video out of the index (taken down), in the caller's transaction."""
    db.session.execute(delete(SearchTerm).where(SearchTerm.video_id == video_id))


def reindex_player_name(user: User) -> None:
    """Rewrite the name terms of ``user``'s published videos after a rename, in the caller's transaction.

    Call it after the new name is flushed: the UPDATE holds the player's row, so a publication of one of
    their videos either committed before (and is seen here, provided this transaction's first read came
    after that UPDATE) or reads the new name after this transaction ends.
    """
    published = db.session.execute(select(Video.id, Video.processed_at).where(
        Video.owner_id == user.id, Video.status == VideoStatus.PROCESSED)).all()
    if not published:
        return
    name_fields = [int(TermField.NAME), TermField.NAME.pairs]
    db.session.execute(delete(SearchTerm).where(SearchTerm.video_id.in_([row.id for row in published]),
                                                SearchTerm.field.in_(name_fields)))
    names = field_terms(f"{user.first_name} {user.last_name}", TermField.NAME)
    rows = [row for video in published for row in term_rows(video.id, video.processed_at, names)]
    if rows:
        db.session.execute(insert(SearchTerm), rows)


@dataclass(frozen=True)
class Drift:
    """How the stored index differs from what the published videos say it should hold."""

    missing: int
    extra: int

    @property
    def clean(self) -> bool:
        """Whether the index is exactly what a rebuild would write."""
        return not (self.missing or self.extra)


def reindex(connection: Connection, first_id: int | None = None, last_id: int | None = None,
            batch: int = REINDEX_BATCH, commit: bool = True, pairs: bool = True) -> int:
    """Rewrite the index for the videos with ids in [first_id, last_id] (all by default), ``batch`` videos
    per transaction (``commit=False``: all in the caller's); how many rows it now holds for them.
    ``pairs=False`` writes the words only (migration 0008, whose term column cannot hold a pair).

    A batch reads the videos and names as they are when it starts: run ``flask catalogue check`` after a
    rebuild done while videos were being published or players renamed.
    """
    written = 0
    for low, high in _id_ranges(connection, first_id, last_id, batch):
        rows = sorted(_expected(connection, low, high, pairs), key=lambda row: row[:3])
        connection.execute(delete(SearchTerm).where(SearchTerm.video_id.between(low, high)))
        if rows:
            connection.execute(insert(SearchTerm), [dict(zip(_COLUMNS, row, strict=True)) for row in rows])
        written += len(rows)
        if commit:
            connection.commit()
    return written


def drift(connection: Connection, batch: int = REINDEX_BATCH) -> Drift:
    """Compare the stored index with a from-scratch rebuild, ``batch`` videos at a time (nothing written)."""
    missing = extra = 0
    for low, high in _id_ranges(connection, None, None, batch):
        expected = _expected(connection, low, high)
        stored = {tuple(row) for row in connection.execute(
            select(*[SearchTerm.__table__.c[name] for name in _COLUMNS])
            .where(SearchTerm.video_id.between(low, high)))}
        missing, extra = missing + len(expected - stored), extra + len(stored - expected)
    return Drift(missing, extra)


_COLUMNS = ("term", "field", "processed_at", "video_id")


def _id_ranges(connection: Connection, first_id: int | None, last_id: int | None,
               batch: int) -> Iterator[tuple[int, int]]:
    """Consecutive id ranges of ``batch`` ids covering the videos' ids (bounded by the arguments)."""
    lowest, highest = connection.execute(select(func.min(Video.id), func.max(Video.id))).one()
    if lowest is None:
        return
    low = lowest if first_id is None else max(lowest, first_id)
    high = highest if last_id is None else min(highest, last_id)
    for start in range(low, high + 1, batch):
        yield start, min(start + batch - 1, high)


def _expected(connection: Connection, low: int, high: int, pairs: bool = True) -> set[tuple]:
    """The rows a rebuild writes for the published videos with ids in [low, high] (without pairs: words)."""
    published = connection.execute(
        select(Video.id, Video.processed_at, Video.title, User.first_name, User.last_name)
        .join(User, User.id == Video.owner_id)
        .where(Video.id.between(low, high), Video.status == VideoStatus.PROCESSED))
    return {(term, field, video.processed_at, video.id) for video in published
            for term, field in video_terms(video.title, video.first_name, video.last_name)
            if pairs or field in TermField}
