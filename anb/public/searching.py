"""Catalogue search through the word index ``search_terms`` (anb.search), never the videos' own text.

A search matches the videos whose title holds all its words, or whose player's name holds all of them; each
word also stands for the longer words it begins ("clav" finds "clavada"), as a fan typing on a phone
expects. Newest first, the index is walked in catalogue order from the search's rarest word or pair of
words, the other words looked up per video by a unique key, and the walk stops as soon as the page is full.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations

from sqlalchemy import Select, and_, func, literal, or_, select, union_all

from anb.extensions import db
from anb.models import SearchTerm, TermField, User, Video, VideoStatus
from anb.search import UNPAIRED, pair, words

#: The index as a Core table: statements built per search skip the ORM's attribute layer (a third of the
#: Python time of building them).
TERMS = SearchTerm.__table__
#: Words beyond these add nothing a fan types and only make the query slower.
MAX_WORDS = 8
#: Where a search has a choice of start (several pairs or words), the rarest is told by counting to this.
RARITY_PROBE = 1_000
#: Pairs are counted among a field's first PAIR_CANDIDATES searched words (6 pairs).
PAIR_CANDIDATES = 4
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
    """A searched word in one stored field, or a pair of searched words in that field's pairs: the terms it
    stands for there (the indexed words it begins, or their pairs), and its index rows when counted."""

    text: str
    terms: tuple[str, ...]
    field: int
    covers: tuple[str, ...]
    rows: int | None = None

    @classmethod
    def of_pair(cls, first: Word, second: Word) -> Word:
        """Two searched words of one field as one: the pairs of the words each begins."""
        terms = tuple(pair(one, other) for one in first.terms for other in second.terms)
        return cls(f"{first.text} {second.text}", terms, TermField(first.field).pairs,
                   first.covers + second.covers)

    @property
    def by_prefix(self) -> bool:
        """Whether it begins too many words to look each up."""
        return len(self.terms) > MAX_EXPANSIONS

    @property
    def is_pair(self) -> bool:
        """Whether it stands for two searched words."""
        return len(self.covers) == 2

    def matches(self, term):
        """The condition on ``term``, a term column in this word's field, that holds for its rows: its terms
        (equality ranges, cheaper to read than a LIKE's), or its prefix when it begins too many."""
        return _begins(term, self.text) if self.by_prefix else term.in_(self.terms)


@dataclass(frozen=True)
class FieldSearch:
    """How one field is searched: every searched word (the rarest first, when counted), where reads
    begin (the rarest of those words and of their pairs), and whether some video of the field has too many
    words for pairs (UNPAIRED)."""

    words: list[Word]
    start: Word
    unpaired: bool

    @property
    def matches_nothing(self) -> bool:
        """Whether the counts already show that no video holds the words in this field."""
        return self.start.rows == 0 and not (self.start.is_pair and self.unpaired)

    @property
    def others(self) -> list[Word]:
        """The words looked up per video after the start."""
        return [word for word in self.words if word.text not in self.start.covers]

    def ranges(self, ordered: bool = True) -> list[tuple]:
        """The index ranges its reads go through, each with the words then looked up per video: the start's
        (``ordered``, as walks in catalogue order need: one range per term of the start, or its prefix
        when it begins too many); from a pair, also the videos whose field has too many words for pairs
        (UNPAIRED), every word looked up."""
        start = self.start
        if not ordered:
            terms = [start.matches(TERMS.c.term)]
        elif start.by_prefix:
            terms = [_begins(TERMS.c.term, start.text)]
        else:
            terms = [TERMS.c.term == term for term in start.terms]
        ranges = [(and_(TERMS.c.field == start.field, term), self.others) for term in terms]
        if start.is_pair and self.unpaired:
            ranges.append((and_(TERMS.c.field == start.field, TERMS.c.term == UNPAIRED), self.words))
        return ranges


def search_words(text: str) -> list[str]:
    """The folded words to find, at most MAX_WORDS (NoSearchableWords if none); a word that begins another
    one is implied by it, and dropped."""
    found = words(text)[:MAX_WORDS]
    if not found:
        raise NoSearchableWords(text)
    return [word for word in found if not any(other != word and other.startswith(word) for other in found)]


def search_page(wanted: list[str], offset: int, limit: int, city: str | None, sort: str) -> Select | None:
    """The ids of a search's page (column ``id``), or None when the index already shows that nothing
    matches. Before the page's own statement: the words' expansions, then (a choice of where to start, or
    by votes) counts, then (by votes, several common words) a sample."""
    fields = _lookup(wanted, sort)
    if not fields:
        return None
    if sort == "votes":
        return _by_votes(fields, offset, limit, city)
    branches = [_walk(start, required, city) for search in fields for start, required in search.ranges()]
    if len(branches) == 1:
        return branches[0].offset(offset).limit(limit)
    # The page lies within the first offset + limit rows of every branch: merge those, once per video.
    merged = union_all(*[_rows_of(branch.limit(offset + limit)) for branch in branches]).subquery("merged")
    return (select(merged.c.id).group_by(merged.c.id, merged.c.processed_at)
            .order_by(merged.c.processed_at.desc(), merged.c.id.desc()).offset(offset).limit(limit))


def holds_all(video_id, wanted: list[str]):
    """Whether the video holds every word in its title or every word in its player's name (one probe per
    word and field: for a handful of videos, such as one player's)."""
    return or_(*[and_(*[_holds(video_id, word, int(field)) for word in wanted]) for field in TermField])


def _lookup(wanted: list[str], sort: str) -> list[FieldSearch]:
    """For each field holding every word: the words with what they begin there, and whether some video of
    the field has too many words for pairs (one statement); where to start: the field's rarest pair of
    words or, without a usable pair, its rarest word, counted up to a cap (one more statement) when there is
    a choice or the sort is by votes. A field the counts show holds no match is left out."""
    parts = [(field, word) for field in TermField for word in wanted]
    begun = {index: select(TERMS.c.term).distinct()
             .where(TERMS.c.field == int(field), _begins(TERMS.c.term, word)).limit(MAX_EXPANSIONS + 1)
             for index, (field, word) in enumerate(parts)}
    unpaired = {-int(field): select(TERMS.c.term).limit(1)
                .where(TERMS.c.field == field.pairs, TERMS.c.term == UNPAIRED) for field in TermField}
    queries = [select(literal(index).label("part"), rows.c.term).select_from(rows)
               for index, query in (begun | unpaired).items() for rows in [query.subquery()]]
    terms: dict[int, list[str]] = {}
    for index, term in db.session.execute(union_all(*queries)):
        terms.setdefault(index, []).append(term)
    fields = []
    for field in TermField:
        found = [Word(word, tuple(terms.get(index, ())), int(field), (word,))
                 for index, (part_field, word) in enumerate(parts) if part_field == field]
        if all(word.terms for word in found):
            fields.append((found, _pairs(found[:PAIR_CANDIDATES]) or found, -int(field) in terms))
    counting = [candidate for _, candidates, _ in fields if sort == "votes" or len(candidates) > 1
                for candidate in candidates]
    rows = {}
    if counting:
        cap = GATHER_LIMIT if sort == "votes" else RARITY_PROBE
        counts = db.session.execute(select(*[_bounded_count(candidate, cap) for candidate in counting])).one()
        rows = dict(zip(counting, counts, strict=True))
    searches = []
    for found, candidates, has_unpaired in fields:
        counted = sorted((replace(candidate, rows=rows[candidate]) for candidate in candidates
                          if candidate in rows), key=lambda word: (word.rows, -len(word.text)))
        start = counted[0] if counted else candidates[0]
        searches.append(FieldSearch(found if start.is_pair or not counted else counted, start, has_unpaired))
    return [search for search in searches if not search.matches_nothing]


def _pairs(found: list[Word]) -> list[Word]:
    """The pairs of the searched words ``found`` (of one field) worth a range: not by a prefix beginning too
    many words, nor standing for more than MAX_EXPANSIONS pairs."""
    return [Word.of_pair(first, second) for first, second in combinations(found, 2)
            if len(first.terms) * len(second.terms) <= MAX_EXPANSIONS]


def _bounded_count(word: Word, cap: int):
    """How many index rows ``word`` has, counting no further than ``cap``."""
    rows = select(literal(1)).where(TERMS.c.field == word.field, word.matches(TERMS.c.term)).limit(cap)
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()


def _walk(start, required: list[Word], city: str | None) -> Select:
    """Ids (and publication times) of the videos of the index range ``start`` holding every ``required``
    word, newest first: the range walked backwards, the words looked up per video."""
    walk = select(TERMS.c.video_id.label("id"), TERMS.c.processed_at).where(start)
    for word in required:
        walk = _require(walk, TERMS.c, word)
    if city:
        walk = (walk.join(Video, Video.id == TERMS.c.video_id).join(User, User.id == Video.owner_id)
                .where(User.city == city))
    return (walk.prefix_with("STRAIGHT_JOIN")
            .order_by(TERMS.c.processed_at.desc(), TERMS.c.video_id.desc()))


def _by_votes(fields: list[FieldSearch], offset: int, limit: int, city: str | None) -> Select:
    """A search's page by votes: the catalogue walked by votes, each video's words looked up, when matches
    are frequent; else the videos of the rarest word or pair, with the other words, sorted by votes."""
    if not _frequent(fields):
        gathered = []
        for search in fields:
            for start, required in search.ranges(ordered=False):
                part = select(TERMS.c.video_id).where(start)
                for word in required:
                    part = _require(part, TERMS.c, word)
                gathered.append(part.prefix_with("STRAIGHT_JOIN"))
        if len(gathered) > 1:  # IN over a UNION would be run once per video: over a derived table, once
            found = union_all(*gathered).subquery("found")
            gathered = [select(found.c.video_id)]
        page = db.select(Video.id).where(Video.id.in_(gathered[0]))
    else:
        page = db.select(Video.id).where(Video.status == VideoStatus.PROCESSED).prefix_with("STRAIGHT_JOIN")
        held = []
        for search in fields:
            conditions = []
            for word in search.words:
                page, condition = _looked_up(page, Video.id, word)
                conditions.append(condition)
            held.append(and_(*conditions))
        page = page.where(or_(*held))
    if city:
        page = page.join(User, User.id == Video.owner_id).where(User.city == city)
    return page.order_by(Video.votes_count.desc(), Video.id).offset(offset).limit(limit)


def _frequent(fields: list[FieldSearch]) -> bool:
    """Whether a walk of the catalogue by votes soon fills a page: every field's rarest word or pair has at
    least GATHER_LIMIT rows and, with words beyond it, in some field at least half of the first SAMPLE
    videos of the rarest hold the others too (one statement). Common words seldom together are sorted
    instead."""
    if any(search.start.rows < GATHER_LIMIT for search in fields):
        return False
    several = [search for search in fields if search.others]
    if not several:
        return True
    samples = []
    for search in several:
        first = (select(TERMS.c.video_id, TERMS.c.processed_at)
                 .where(TERMS.c.field == search.start.field, search.start.matches(TERMS.c.term))
                 .limit(SAMPLE).subquery())
        sample = select(func.count()).select_from(first)
        for word in search.others:
            sample = _require(sample, first.c, word)
        samples.append(sample.scalar_subquery())
    return max(db.session.execute(select(*samples)).one()) * 2 >= SAMPLE


def _require(query: Select, row, word: Word) -> Select:
    """``query``, whose ``row`` is an index row, kept to the videos holding ``word``: for a whole word, a
    join on the primary key, which the rows walked in order probe in order too."""
    if len(word.terms) != 1:
        return query.where(_holds(row.video_id, word.text, word.field))
    other = TERMS.alias()
    return query.join(other, and_(other.c.term == word.terms[0], other.c.field == word.field,
                                  other.c.processed_at == row.processed_at, other.c.video_id == row.video_id))


def _looked_up(query: Select, video_id, word: Word):
    """``query`` with the lookup of ``word`` per video, and the condition that it was found: for a whole
    word, an outer join on the unique key (video, field, term); for a partial one, a probe."""
    if len(word.terms) != 1:
        return query, _holds(video_id, word.text, word.field)
    other = TERMS.alias()
    on = and_(other.c.video_id == video_id, other.c.field == word.field, other.c.term == word.terms[0])
    return query.outerjoin(other, on), other.c.video_id.is_not(None)


def _holds(video_id, text: str, field: int):
    """Whether the video holds a word beginning with ``text`` in ``field``: one probe of its index rows. (A
    scalar subquery with LIMIT, which MariaDB cannot turn into a semi-join: as EXISTS, it would first
    materialise every row of a common word.)"""
    other = TERMS.alias()
    return (select(literal(1)).where(other.c.video_id == video_id, other.c.field == field,
                                     _begins(other.c.term, text)).limit(1).scalar_subquery().is_not(None))


def _begins(column, word: str):
    """``column`` begins with ``word`` (an index range: the collation is binary)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


def _rows_of(query: Select) -> Select:
    """A query with its own ORDER BY and LIMIT, usable as one part of a UNION."""
    return select(*query.subquery().c)
