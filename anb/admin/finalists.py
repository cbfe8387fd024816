"""The tournament's finalists: per city, the players with the best mix of public and jury votes.

Each side is weighed by its share of the city's votes (so the jury, far fewer people, weighs as much as the
public at equal weights): score = (1 - w) * public / city public + w * jury / city jury. Exact fractions,
so equal scores really tie; ties then go as in the ranking: more votes first, then the earlier signup.
Banned accounts and players with no published video are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from anb.extensions import db
from anb.models import User


@dataclass(frozen=True)
class Finalist:
    """One selected player, with both vote counts and the combined score side by side."""

    city: str
    position: int
    user_id: int
    username: str
    email: str
    public_votes: int
    jury_votes: int
    score: Fraction

    @property
    def total_votes(self) -> int:
        """Public and jury votes together (the ranking's tie-break)."""
        return self.public_votes + self.jury_votes


def _eligible():
    return db.select(User).where(User.processed_videos > 0, User.banned_at.is_(None))


def cities() -> list[str]:
    """The cities with eligible players; one spelling per city as the database compares them."""
    query = _eligible().with_only_columns(User.city).group_by(User.city).order_by(User.city)
    return list(db.session.execute(query).scalars())


def _share(votes: int, total: int) -> Fraction:
    return Fraction(votes, total) if total else Fraction(0)


def city_finalists(city: str, per_city: int, jury_weight: Fraction) -> list[Finalist]:
    """The ``per_city`` best players of ``city`` by combined score."""
    players = list(db.session.execute(_eligible().where(User.city == city)).scalars())
    public_total = sum(player.public_votes for player in players)
    jury_total = sum(player.jury_votes for player in players)

    def score(player: User) -> Fraction:
        return ((1 - jury_weight) * _share(player.public_votes, public_total)
                + jury_weight * _share(player.jury_votes, jury_total))

    ordered = sorted(players, key=lambda player: (-score(player), -player.total_votes, player.id))
    return [Finalist(city, position, player.id, player.username, player.email, player.public_votes,
                     player.jury_votes, score(player))
            for position, player in enumerate(ordered[:per_city], start=1)]


def finalists(per_city: int, jury_weight: Fraction) -> list[Finalist]:
    """The finalists of every city, city by city."""
    return [finalist for city in cities() for finalist in city_finalists(city, per_city, jury_weight)]
