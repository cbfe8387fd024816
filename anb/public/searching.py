"""Catalogue search through the word index ``search_terms`` (anb.search), never the videos' own text.

A search matches the videos whose title holds all its words, or whose player's name holds all of them; each
word also stands for the longer words it begins ("clav" finds "clavada"), as a fan typing on a phone
expects. Newest first, the index is walked in catalogue order from the search's rarest word, the other words
looked up per video by a unique key, and the walk stops as soon as the page is full; when it has read
WALK_BUDGET rows of that word first, matches are rare, and the words' video ids are intersected instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from anb.extensions import db
from anb.models import SearchTerm, TermField, User, Video, VideoStatus
from anb.search import words

#: Words beyond these add nothing a fan types and only make the query slower.
MAX_WORDS = 8
#: A search of several words starts from its rarest one, told apart by counting each up to this many rows.
RARITY_PROBE = 1_000
#: Sorted by votes, a search sorts all the videos of its rarest word when there are fewer than this many;
#: otherwise matches are frequent, and the catalogue is walked by votes checking each video's words.
GATHER_LIMIT = 5_000
#: How many videos of a search's rarest word show whether the other words often come with it.
SAMPLE = 200
#: A walk of several words reads at most about this many rows of its rarest word (newest first) hoping to fill
#: the page; when they run out first, matches are rare, and the words' video ids are intersected instead.
WALK_BUDGET = 1_000
#: A partial word is looked up as the words it begins, up to this many of them; beyond (a very short word
#: such as "mar", beginning dozens of names), by its prefix: its videos sorted, and a slower check per video.
MAX_EXPANSIONS = 30
#: Room for every video id of a word in GROUP_CONCAT's answer (bounded by max_allowed_packet too).
GROUP_CONCAT_MAX = 1 << 30


class NoSearchableWords(ValueError):
    """The search text has no word the index can look up (all too short or too common)."""


@dataclass(frozen=True)
class Word:
    """A searched word in one field: the indexed words it begins there, and its index rows when counted."""

    text: str
    terms: tuple[str, ...]
    rows: int = 0
    #: A whole word's with WALK_BUDGET rows or more (several words searched): its WALK_BUDGET-th newest row's
    #: publication time, where a walk starting from it stops.
    cutoff: datetime | None = None

    @property
    def by_prefix(self) -> bool:
        """Whether it begins too many words to look each up."""
        return len(self.terms) > MAX_EXPANSIONS


def search_words(text: str) -> list[str]:
    """The folded words to find, at most MAX_WORDS (NoSearchableWords if none); a word that begins another
    one is implied by it, and dropped."""
    found = words(text)[:MAX_WORDS]
    if not found:
        raise NoSearchableWords(text)
    return [word for word in found if not any(other != word and other.startswith(word) for other in found)]


def search_page(wanted: list[str], offset: int, limit: int, city: str | None, sort: str) -> Select | None:
    """The ids of a search's page (column ``id``), or None when the index already shows that nothing
    matches. Before the page's own statement: the words' expansions, then (several words, or by votes)
    their counts, then (by votes, several common words) a sample."""
    fields = _lookup(wanted, counted=len(wanted) > 1 or sort == "votes",
                     cap=GATHER_LIMIT if sort == "votes" else RARITY_PROBE)
    if not fields:
        return None
    if sort == "votes":
        return _by_votes(fields, offset, limit, city)
    if any(found[0].cutoff for found in fields.values()):
        return _bounded_walk(fields, offset, limit, city)
    branches = [_walk(field, found, start, city)
                for field, found in fields.items() for start in _starts(found)]
    if len(branches) == 1:
        return branches[0].offset(offset).limit(limit)
    # The page lies within the first offset + limit rows of every branch: merge those, once per video.
    merged = union_all(*[_rows_of(branch.limit(offset + limit)) for branch in branches]).subquery("merged")
    return (select(merged.c.id).group_by(merged.c.id, merged.c.processed_at)
            .order_by(merged.c.processed_at.desc(), merged.c.id.desc()).offset(offset).limit(limit))


def holds_all(video_id, wanted: list[str]):
    """Whether the video holds every word in its title or every word in its player's name (one probe per
    word and field: for a handful of videos, such as one player's)."""
    return or_(*[and_(*[_holds(video_id, word, field) for word in wanted]) for field in TermField])


def _lookup(wanted: list[str], counted: bool, cap: int) -> dict[TermField, list[Word]]:
    """For each field holding every word, the words with what they begin there (one statement) and, when
    ``counted``, their index rows up to ``cap`` (one more), the rarest first."""
    parts = [(field, word) for field in TermField for word in wanted]
    queries = [select(literal(index).label("part"), begun.c.term).select_from(begun)
               for index, (field, word) in enumerate(parts)
               for begun in [select(SearchTerm.term).distinct()
                             .where(SearchTerm.field == int(field), _begins(SearchTerm.term, word))
                             .limit(MAX_EXPANSIONS + 1).subquery()]]
    terms: dict[int, list[str]] = {}
    for index, term in db.session.execute(union_all(*queries)):
        terms.setdefault(index, []).append(term)
    fields: dict[TermField, list[Word]] = {}
    for index, (field, word) in enumerate(parts):
        fields.setdefault(field, []).append(Word(word, tuple(terms.get(index, ()))))
    fields = {field: found for field, found in fields.items() if all(word.terms for word in found)}
    if counted and fields:
        pairs = [(field, word) for field, found in fields.items() for word in found]
        # With several words, a whole word's cutoff too, where a walk starting from it would stop.
        bounded = [index for index, (_, word) in enumerate(pairs) if len(wanted) > 1 and len(word.terms) == 1]
        read = db.session.execute(select(*[_bounded_count(word.text, field, cap) for field, word in pairs],
                                         *[_cutoff(pairs[index][1].terms[0], pairs[index][0])
                                           for index in bounded])).one()
        cutoffs = dict(zip(bounded, read[len(pairs):], strict=True))
        fields = {field: [] for field in fields}
        for index, (field, word) in enumerate(pairs):
            fields[field].append(Word(word.text, word.terms, read[index], cutoffs.get(index)))
        for found in fields.values():
            found.sort(key=lambda word: (word.rows, -len(word.text)))
    return fields


def _bounded_count(word: str, field: TermField, cap: int):
    """How many index rows of ``field`` begin with ``word``, counting no further than ``cap``."""
    rows = select(literal(1)).where(SearchTerm.field == int(field), _begins(SearchTerm.term, word)).limit(cap)
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()


def _cutoff(term: str, field: TermField):
    """The publication time of the WALK_BUDGET-th newest index row of ``term`` in ``field`` (NULL when it has
    fewer): read from the same index range the count reads."""
    return (select(SearchTerm.processed_at).where(SearchTerm.term == term, SearchTerm.field == int(field))
            .order_by(SearchTerm.processed_at.desc(), SearchTerm.video_id.desc())
            .offset(WALK_BUDGET - 1).limit(1).scalar_subquery())


def _bounded_walk(fields: dict[TermField, list[Word]], offset: int, limit: int,
                  city: str | None) -> Select | None:
    """A page newest first when some field's rarest word has more than WALK_BUDGET rows: its walk stops at
    that word's WALK_BUDGET-th newest row (ties included), the rows before it being an exact prefix of the
    walk; if every such walk filled ``offset + limit`` rows, they hold the page (one statement), else the
    matches are rare and the words' videos are intersected (``_intersected``)."""
    wanted = offset + limit
    branches = [(field, _walk(field, found, start, city, found[0].cutoff).limit(wanted))
                for field, found in fields.items() for start in _starts(found)]
    tagged = [select(literal(index).label("branch"), *branch.subquery().c)
              for index, (_, branch) in enumerate(branches)]
    rows = db.session.execute(union_all(*tagged) if len(tagged) > 1 else tagged[0]).all()
    walked = [0] * len(branches)
    for row in rows:
        walked[row.branch] += 1
    stopped_short = [fields[field][0].cutoff is not None and count < wanted
                     for (field, _), count in zip(branches, walked, strict=True)]
    if any(stopped_short):
        return _intersected(fields, offset, limit, city, "recent")
    newest = sorted({(row.processed_at, row.id) for row in rows}, reverse=True)[offset:wanted]
    if not newest:
        return None
    return select(Video.id).where(Video.id.in_([video_id for _, video_id in newest]))


def _intersected(fields: dict[TermField, list[Word]], offset: int, limit: int, city: str | None,
                 sort: str) -> Select | None:
    """A page of a search whose words seldom come together: the video ids of every word's index rows read
    (a covering range of the primary key each, sequential, all in one statement), intersected per field
    here (the rarest first), and only the few videos left sorted in catalogue order (or by votes)."""
    pairs = [(field, word) for field, found in fields.items() for word in found]
    lists = select(*[select(func.group_concat(SearchTerm.video_id))
                     .where(SearchTerm.field == int(field), _begins(SearchTerm.term, word.text))
                     .scalar_subquery() for field, word in pairs]).compile(db.engine)
    # GROUP_CONCAT stops at group_concat_max_len (1 MB by default): raised for this statement only.
    read = db.session.connection().exec_driver_sql(
        f"SET STATEMENT group_concat_max_len = {GROUP_CONCAT_MAX} FOR {lists}", lists.params).one()
    # Parsed and intersected by numpy: tens of thousands of ids cost tens of ms as Python ints and sets.
    held: dict[TermField, np.ndarray] = {}
    for (field, _), ids in zip(pairs, read, strict=True):
        found = np.fromstring(ids, dtype=np.int64, sep=",") if ids else np.empty(0, dtype=np.int64)
        held[field] = found if field not in held else held[field][np.isin(held[field], found)]
    survivors = set().union(*(found.tolist() for found in held.values()))
    if not survivors:
        return None
    page = select(Video.id).where(Video.id.in_(survivors))
    if city:
        page = page.join(User, User.id == Video.owner_id).where(User.city == city)
    order = ((Video.votes_count.desc(), Video.id) if sort == "votes"
             else (Video.processed_at.desc(), Video.id.desc()))
    return page.order_by(*order).offset(offset).limit(limit)


def _starts(found: list[Word]) -> list:
    """Where the walks of a field begin: one index range per word the first (rarest) word begins, or its
    prefix when it begins too many."""
    first = found[0]
    if first.by_prefix:
        return [_begins(SearchTerm.term, first.text)]
    return [SearchTerm.term == term for term in first.terms]


def _walk(field: TermField, found: list[Word], start, city: str | None,
          cutoff: datetime | None = None) -> Select:
    """Ids (and publication times) of the videos holding every word in ``field``, newest first: the index
    range of ``start`` walked backwards (down to ``cutoff`` at most), the other words looked up per video."""
    walk = select(SearchTerm.video_id.label("id"), SearchTerm.processed_at).where(
        SearchTerm.field == int(field), start)
    if cutoff is not None:
        walk = walk.where(SearchTerm.processed_at >= cutoff)
    for word in found[1:]:
        walk = _require(walk, SearchTerm, word, field)
    if city:
        walk = (walk.join(Video, Video.id == SearchTerm.video_id).join(User, User.id == Video.owner_id)
                .where(User.city == city))
    return (walk.prefix_with("STRAIGHT_JOIN")
            .order_by(SearchTerm.processed_at.desc(), SearchTerm.video_id.desc()))


def _by_votes(fields: dict[TermField, list[Word]], offset: int, limit: int, city: str | None) -> Select:
    """A search's page by votes: the catalogue walked by votes, each video's words looked up, when matches
    are frequent; else the rarest word's videos, with the other words, sorted by votes (when it has
    WALK_BUDGET rows or more and other words, the words' video ids intersected)."""
    if not _frequent(fields):
        if any(len(found) > 1 and found[0].cutoff for found in fields.values()):
            return _intersected(fields, offset, limit, city, "votes")
        gathered = []
        for field, found in fields.items():
            part = select(SearchTerm.video_id).where(SearchTerm.field == int(field),
                                                     _begins(SearchTerm.term, found[0].text))
            for word in found[1:]:
                part = _require(part, SearchTerm, word, field)
            gathered.append(part.prefix_with("STRAIGHT_JOIN"))
        found_ids = union_all(*gathered) if len(gathered) > 1 else gathered[0]
        page = db.select(Video.id).where(Video.id.in_(found_ids))
    else:
        page = db.select(Video.id).where(Video.status == VideoStatus.PROCESSED).prefix_with("STRAIGHT_JOIN")
        held = []
        for field, found in fields.items():
            conditions = []
            for word in found:
                page, condition = _looked_up(page, Video.id, word, field)
                conditions.append(condition)
            held.append(and_(*conditions))
        page = page.where(or_(*held))
    if city:
        page = page.join(User, User.id == Video.owner_id).where(User.city == city)
    return page.order_by(Video.votes_count.desc(), Video.id).offset(offset).limit(limit)


def _frequent(fields: dict[TermField, list[Word]]) -> bool:
    """Whether a walk of the catalogue by votes soon fills a page: every field's rarest word has at least
    GATHER_LIMIT rows and, with several words, in some field at least half of the first SAMPLE videos of the
    rarest hold the others too (one statement). Two common words seldom together are sorted instead."""
    if any(found[0].rows < GATHER_LIMIT for found in fields.values()):
        return False
    several = {field: found for field, found in fields.items() if len(found) > 1}
    if not several:
        return True
    samples = []
    for field, found in several.items():
        first = (select(SearchTerm.video_id, SearchTerm.processed_at)
                 .where(SearchTerm.field == int(field), _begins(SearchTerm.term, found[0].text))
                 .limit(SAMPLE).subquery())
        sample = select(func.count()).select_from(first)
        for word in found[1:]:
            sample = _require(sample, first.c, word, field)
        samples.append(sample.scalar_subquery())
    return max(db.session.execute(select(*samples)).one()) * 2 >= SAMPLE


def _require(query: Select, row, word: Word, field: TermField) -> Select:
    """``query``, whose ``row`` is an index row, kept to the videos holding ``word`` in ``field``: for a whole
    word, a join on the primary key, which the rows walked in order probe in order too."""
    if len(word.terms) != 1:
        return query.where(_holds(row.video_id, word.text, field))
    other = aliased(SearchTerm)
    return query.join(other, and_(other.term == word.terms[0], other.field == int(field),
                                  other.processed_at == row.processed_at, other.video_id == row.video_id))


def _looked_up(query: Select, video_id, word: Word, field: TermField):
    """``query`` with the lookup of ``word`` in ``field`` per video, and the condition that it was found: for
    a whole word, an outer join on the unique key (video, field, term); for a partial one, a probe."""
    if len(word.terms) != 1:
        return query, _holds(video_id, word.text, field)
    other = aliased(SearchTerm)
    on = and_(other.video_id == video_id, other.field == int(field), other.term == word.terms[0])
    return query.outerjoin(other, on), other.video_id.is_not(None)


def _holds(video_id, text: str, field: TermField):
    """Whether the video holds a word beginning with ``text`` in ``field``: one probe of its index rows. (A
    scalar subquery with LIMIT, which MariaDB cannot turn into a semi-join: as EXISTS, it would first
    materialise every row of a common word.)"""
    other = aliased(SearchTerm)
    return (select(literal(1)).where(other.video_id == video_id, other.field == int(field),
                                     _begins(other.term, text)).limit(1).scalar_subquery().is_not(None))


def _begins(column, word: str):
    """``column`` begins with ``word`` (an index range: the collation is binary)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


def _rows_of(query: Select) -> Select:
    """A query with its own ORDER BY and LIMIT, usable as one part of a UNION."""
    return select(*query.subquery().c)
