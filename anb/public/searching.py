"""Catalogue search through the word index ``search_terms`` (anb.search), never the videos' own text.

A search matches the videos whose title holds all its words, or whose player's name holds all of them; each
word also stands for the longer words it begins ("clav" finds "clavada"), as a fan typing on a phone
expects. Newest first, the index is walked in catalogue order from the search's rarest word, the other words
looked up per video by a unique key, and the walk stops as soon as the page is full.
"""

from __future__ import annotations

from dataclasses import dataclass

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
#: A partial word is looked up as the words it begins, up to this many of them; beyond (a very short word
#: such as "mar", beginning dozens of names), by its prefix: its videos sorted, and a slower check per video.
MAX_EXPANSIONS = 30


class NoSearchableWords(ValueError):
    """The search text has no word the index can look up (all too short or too common)."""


@dataclass(frozen=True)
class Word:
    """A searched word in one field: the indexed words it begins there, and its index rows when counted."""

    text: str
    terms: tuple[str, ...]
    rows: int = 0

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
        counts = db.session.execute(select(*[_bounded_count(word.text, field, cap) for field, word in pairs]))
        fields = {field: [] for field in fields}
        for (field, word), rows in zip(pairs, counts.one(), strict=True):
            fields[field].append(Word(word.text, word.terms, rows))
        for found in fields.values():
            found.sort(key=lambda word: (word.rows, -len(word.text)))
    return fields


def _bounded_count(word: str, field: TermField, cap: int):
    """How many index rows of ``field`` begin with ``word``, counting no further than ``cap``."""
    rows = select(literal(1)).where(SearchTerm.field == int(field), _begins(SearchTerm.term, word)).limit(cap)
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()


def _starts(found: list[Word]) -> list:
    """Where the walks of a field begin: one index range per word the first (rarest) word begins, or its
    prefix when it begins too many."""
    first = found[0]
    if first.by_prefix:
        return [_begins(SearchTerm.term, first.text)]
    return [SearchTerm.term == term for term in first.terms]


def _walk(field: TermField, found: list[Word], start, city: str | None) -> Select:
    """Ids (and publication times) of the videos holding every word in ``field``, newest first: the index
    range of ``start`` walked backwards, the other words looked up per video."""
    walk = select(SearchTerm.video_id.label("id"), SearchTerm.processed_at).where(
        SearchTerm.field == int(field), start)
    for word in found[1:]:
        walk = _require(walk, SearchTerm, word, field)
    if city:
        walk = (walk.join(Video, Video.id == SearchTerm.video_id).join(User, User.id == Video.owner_id)
                .where(User.city == city))
    return (walk.prefix_with("STRAIGHT_JOIN")
            .order_by(SearchTerm.processed_at.desc(), SearchTerm.video_id.desc()))


def _by_votes(fields: dict[TermField, list[Word]], offset: int, limit: int, city: str | None) -> Select:
    """A search's page by votes: the catalogue walked by votes, each video's words looked up, when matches
    are frequent; else the rarest word's videos, with the other words, sorted by votes."""
    if not _frequent(fields):
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
