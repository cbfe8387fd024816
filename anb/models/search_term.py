"""The catalogue's own word index: one row per folded word of a published video's title or player's name,
and one per pair of those words.

InnoDB FULLTEXT has to materialise every match before it can sort by recency; this table is keyed so that
the videos holding a word (or two words) come out in catalogue order, newest first, and a page stops after
its last row.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id, UTCDateTime

#: Terms are stored folded (anb.search.fold) and compared byte for byte, so prefix ranges are exact.
TERM_COLLATION = "utf8mb4_bin"
#: Longer words are kept (and looked up) by their first TERM_LENGTH characters.
TERM_LENGTH = 32
#: A pair's term is its two words, in byte order, joined by this (a word never holds it).
PAIR_SEPARATOR = " "


class TermField(enum.IntEnum):
    """Where a word was found: a search matches when all its words are in the title, or all in the name."""

    TITLE = 1
    NAME = 2

    @property
    def pairs(self) -> int:
        """The stored field of this field's word pairs: two words found together are one index range."""
        return self + len(TermField)


class SearchTerm(Base):
    """A published video holds ``term`` in ``field`` (a TermField, or its ``pairs``); ``processed_at`` copies
    the video's, for the order."""

    __tablename__ = "search_terms"
    __table_args__ = (
        # Looking a word up in one video (and deleting or rewriting a video's rows) goes through its id.
        Index("ix_search_terms_video", "video_id", "field", "term", unique=True),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    term: Mapped[str] = mapped_column(String(2 * TERM_LENGTH + len(PAIR_SEPARATOR), collation=TERM_COLLATION),
                                      primary_key=True)
    field: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    video_id: Mapped[int] = mapped_column(Id, ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True,
                                          autoincrement=False)

    def __repr__(self) -> str:
        return f"<SearchTerm {self.term!r} field {self.field} video {self.video_id}>"
