"""The public catalogue: what is published for voting, newest first or by votes, searchable, and for a
signed-in fan marked with what they already voted for (one query for the page).

Search reads the word index ``search_terms`` (anb.search), never the videos' text. A search matches the
videos whose title holds all its words, or whose player's name holds all of them; each word also stands for
the longer words it begins ("clav" finds "clavada"), as a fan typing on a phone expects. Newest first, the
index is walked in catalogue order from the search's rarest word, each other word checked per video, and the
walk stops once the page is full.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from anb.extensions import db
from anb.models import SearchTerm, TermField, User, Video, VideoStatus, Vote
from anb.search import words

SORTS = ("recent", "votes")
#: Words beyond these add nothing a fan types and only make the query slower.
MAX_WORDS = 8
#: A search of several words starts from its rarest one, told apart by counting each up to this many rows.
RARITY_PROBE = 1_000
#: Sorted by votes, a search sorts all the videos of its rarest word when there are fewer than this many;
#: otherwise matches are frequent, and the catalogue is walked by votes checking each video's words.
GATHER_LIMIT = 5_000
#: A partial word is walked as the words it begins, merged in order, up to this many of them; beyond, its
#: videos are sorted (a very short word such as "mar", beginning dozens of names).
MAX_EXPANSIONS = 30


class NoSearchableWords(ValueError):
    """The search text has no word the index can look up (all too short or too common)."""


@dataclass(frozen=True)
class CatalogueItem:
    """A published video as listed; ``voted_by_me`` is None for an anonymous reader (left out)."""

    video: Video
    voted_by_me: bool | None = None


def search_words(text: str) -> list[str]:
    """The folded words to find, at most MAX_WORDS (NoSearchableWords if none); a word that begins another
    one is implied by it, and dropped."""
    found = words(text)[:MAX_WORDS]
    if not found:
        raise NoSearchableWords(text)
    return [word for word in found if not any(other != word and other.startswith(word) for other in found)]


def catalogue(offset: int, limit: int, city: str | None = None, *, sort: str = "recent",
              text: str | None = None, player_id: int | None = None,
              viewer_id: int | None = None) -> list[CatalogueItem]:
    """Processed videos, newest first (or by votes), filtered by city, player or words in the title or the
    player's name; with ``viewer_id``, each says whether that user voted for it."""
    wanted = search_words(text) if text is not None else None
    if wanted and player_id is None:
        page = _search_page(wanted, offset, limit, city, sort)
        if page is None:
            return []
    else:
        page = _plain_page(offset, limit, city, sort, player_id, wanted)
    page = page.subquery("page")
    query = db.select(Video).join(page, page.c.id == Video.id).order_by(*_order(sort))
    return with_votes_of(list(db.session.execute(query).scalars()), viewer_id)


def _order(sort: str) -> tuple:
    return ((Video.votes_count.desc(), Video.id) if sort == "votes"
            else (Video.processed_at.desc(), Video.id.desc()))


def _plain_page(offset: int, limit: int, city: str | None, sort: str, player_id: int | None,
                wanted: list[str] | None) -> Select:
    """A page's ids from walking an index of videos in catalogue order (a deferred join: only those rows are
    read after). Videos go first (STRAIGHT_JOIN), so the optimizer cannot start from users and sort the
    whole catalogue. A search within one player's videos checks each of them for the words."""
    page = db.select(Video.id).where(Video.status == VideoStatus.PROCESSED)
    if city:
        page = (page.join(User, User.id == Video.owner_id).where(User.city == city)
                .prefix_with("STRAIGHT_JOIN"))
    if player_id is not None:
        page = page.where(Video.owner_id == player_id)
    if wanted:
        page = page.where(_holds_all(Video.id, wanted, tuple(TermField)))
    return page.order_by(*_order(sort)).offset(offset).limit(limit)


@dataclass(frozen=True)
class Driver:
    """The word a field's walk starts from, with its rows in that field (counted up to a cap; None: not
    counted, the search has one word)."""

    word: str
    rows: int | None = None


def _search_page(wanted: list[str], offset: int, limit: int, city: str | None, sort: str) -> Select | None:
    """A search's page of ids, or None when the index already shows that nothing matches."""
    if len(wanted) == 1 and sort == "recent":
        drivers = {field: Driver(wanted[0]) for field in TermField}
    else:
        drivers = _rarest(wanted, GATHER_LIMIT if sort == "votes" else RARITY_PROBE)
    if not drivers:
        return None
    if sort == "votes":
        return _by_votes(wanted, drivers, offset, limit, city)
    branches = [_walk(field, start, wanted, drivers[field].word, city)
                for field, start in _expansions(drivers)]
    if not branches:
        return None
    if len(branches) == 1:
        return branches[0].offset(offset).limit(limit)
    # The page lies within the first offset + limit rows of every branch: merge those, once per video.
    merged = union_all(*[_rows_of(branch.limit(offset + limit)) for branch in branches]).subquery("merged")
    return (select(merged.c.id).group_by(merged.c.id, merged.c.processed_at)
            .order_by(merged.c.processed_at.desc(), merged.c.id.desc()).offset(offset).limit(limit))


def _rarest(wanted: list[str], cap: int) -> dict[TermField, Driver]:
    """For each field holding every word, its rarest word (rows counted up to ``cap``): one statement."""
    pairs = [(field, word) for field in TermField for word in wanted]
    counts = db.session.execute(select(*[_bounded_count(word, field, cap) for field, word in pairs])).one()
    per_field: dict[TermField, list[Driver]] = {}
    for (field, word), rows in zip(pairs, counts, strict=True):
        per_field.setdefault(field, []).append(Driver(word, rows))
    return {field: min(found, key=lambda driver: (driver.rows, -len(driver.word)))
            for field, found in per_field.items() if all(driver.rows for driver in found)}


def _bounded_count(word: str, field: TermField, cap: int):
    """How many index rows of ``field`` begin with ``word``, counting no further than ``cap``."""
    rows = select(literal(1)).where(SearchTerm.field == int(field), _begins(SearchTerm.term, word)).limit(cap)
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()


def _expansions(drivers: dict[TermField, Driver]) -> list[tuple[TermField, object]]:
    """Each field's starting condition per word its driver begins (one index range each, in catalogue order),
    or the driver as a prefix when it begins more than MAX_EXPANSIONS words: one statement."""
    queries = [select(literal(int(field)).label("field"), distinct.c.term).select_from(distinct)
               for field, driver in drivers.items()
               for distinct in [select(SearchTerm.term).distinct()
                                .where(SearchTerm.field == int(field), _begins(SearchTerm.term, driver.word))
                                .limit(MAX_EXPANSIONS + 1).subquery()]]
    terms: dict[TermField, list[str]] = {}
    for field, term in db.session.execute(union_all(*queries) if len(queries) > 1 else queries[0]):
        terms.setdefault(TermField(field), []).append(term)
    return [(field, condition) for field, found in terms.items()
            for condition in ([SearchTerm.term == term for term in found] if len(found) <= MAX_EXPANSIONS
                              else [_begins(SearchTerm.term, drivers[field].word)])]


def _walk(field: TermField, start, wanted: list[str], driver: str, city: str | None) -> Select:
    """Ids (and publication times) of the videos holding every word in ``field``, newest first: the index
    range of ``start`` walked backwards, the other words checked per video."""
    walk = (select(SearchTerm.video_id.label("id"), SearchTerm.processed_at)
            .where(SearchTerm.field == int(field), start,
                   *[_holds(SearchTerm.video_id, word, field) for word in wanted if word != driver]))
    if city:
        walk = (walk.join(Video, Video.id == SearchTerm.video_id).join(User, User.id == Video.owner_id)
                .where(User.city == city).prefix_with("STRAIGHT_JOIN"))
    return walk.order_by(SearchTerm.processed_at.desc(), SearchTerm.video_id.desc())


def _by_votes(wanted: list[str], drivers: dict[TermField, Driver], offset: int, limit: int,
              city: str | None) -> Select:
    """A search's page by votes: the rarest word's videos sorted, when it has few (under GATHER_LIMIT in every
    field); else the catalogue walked by votes, each video checked for the words."""
    if all(driver.rows < GATHER_LIMIT for driver in drivers.values()):
        found = union_all(*[select(SearchTerm.video_id).where(
            SearchTerm.field == int(field), _begins(SearchTerm.term, driver.word),
            *[_holds(SearchTerm.video_id, word, field) for word in wanted if word != driver.word])
            for field, driver in drivers.items()])
        page = db.select(Video.id).where(Video.id.in_(found))
    else:
        page = (db.select(Video.id).where(Video.status == VideoStatus.PROCESSED,
                                          _holds_all(Video.id, wanted, tuple(drivers)))
                .prefix_with("STRAIGHT_JOIN"))
    if city:
        page = page.join(User, User.id == Video.owner_id).where(User.city == city)
    return page.order_by(*_order("votes")).offset(offset).limit(limit)


def _holds_all(video_id, wanted: list[str], fields: tuple[TermField, ...]):
    """Whether the video holds every word in one of ``fields``: index probes through its id."""
    return or_(*[and_(*[_holds(video_id, word, field) for word in wanted]) for field in fields])


def _holds(video_id, word: str, field: TermField):
    """Whether the video holds a word beginning with ``word`` in ``field`` (one probe of its index rows)."""
    other = aliased(SearchTerm)
    return (select(literal(1)).where(other.video_id == video_id, other.field == int(field),
                                     _begins(other.term, word)).exists())


def _begins(column, word: str):
    """``column`` begins with ``word`` (an index range: the collation is binary)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


def _rows_of(query: Select) -> Select:
    """A query with its own ORDER BY and LIMIT, usable as one part of a UNION."""
    part = query.subquery()
    return select(*part.c)


def with_votes_of(videos: list[Video], viewer_id: int | None) -> list[CatalogueItem]:
    """The videos as items; with a viewer, marked by one query for the whole page (never one per item)."""
    if viewer_id is None:
        return [CatalogueItem(video) for video in videos]
    voted = set()
    if videos:
        voted = set(db.session.execute(db.select(Vote.video_id).where(
            Vote.voter_id == viewer_id, Vote.video_id.in_([video.id for video in videos]))).scalars())
    return [CatalogueItem(video, video.id in voted) for video in videos]
