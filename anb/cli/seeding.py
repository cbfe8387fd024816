"""Bulk seeding of fake players, processed videos and votes, to measure the ranking at scale.

Rows go in as batched multi-row INSERTs with explicit ids; the counters are then set in SQL from the
inserted votes, so they equal what a recount (``anb.counters``) finds. Used by ``flask seed`` and
``scripts/bench_ranking.py``.
"""
from __future__ import annotations

import os
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate, batched

from sqlalchemy import Connection, func, insert, select, text, update

from anb.counters import owner_tallies, processed_tallies, table_counts, video_tallies
from anb.models import Role, SearchTerm, User, Video, VideoEvent, VideoStatus, Vote, now_utc
from anb.search import reindex
from anb.security import hash_password
from anb.videos import keys

#: The password of every seeded account: hashed once, the hash shared, so seeding spends no minutes on argon2.
SEED_PASSWORD = "anb-seed-password"
#: Seeded accounts are recognisable by their email domain (a reserved one: mail never leaves).
SEED_EMAIL_DOMAIN = "seed.anb.example"
SEED_USER_AGENT = "anb-seed"
CITIES = ("Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena", "Bucaramanga", "Pereira", "Cúcuta",
          "Santa Marta", "Ibagué", "Manizales", "Villavicencio", "Pasto", "Montería", "Neiva", "Popayán")
FIRST_NAMES = ("Santiago", "Sebastián", "Matías", "Nicolás", "Samuel", "Alejandro", "Daniel", "Andrés",
               "Juan José", "Camilo", "Julián", "Felipe", "Mateo", "Tomás", "Jerónimo", "Martín", "Óscar",
               "Iván", "Héctor", "Yeison", "Valentina", "Isabella", "Mariana", "Sofía", "Gabriela", "Daniela",
               "Camila", "Luciana", "Salomé", "María José", "Laura", "Natalia", "Juliana", "Ángela", "Mónica")
SURNAMES = ("García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez", "Sánchez",
            "Ramírez", "Torres", "Díaz", "Gómez", "Vargas", "Rojas", "Moreno", "Muñoz", "Jiménez", "Castro",
            "Ortiz", "Álvarez", "Suárez", "Herrera", "Cárdenas", "Ospina", "Restrepo", "Mejía", "Zapata",
            "Quintero", "Valencia", "Osorio", "Cardona", "Montoya", "Patiño", "Giraldo", "Ibáñez", "Peña",
            "Londoño", "Castaño", "Bermúdez", "Córdoba", "Mosquera")
TITLES = ("Triple desde la esquina", "Clavada en contraataque", "Crossover y bandeja", "Tapón y transición",
          "Alley-oop con el base", "Tiro en suspensión", "Mejores jugadas de la temporada", "Doble-doble",
          "Asistencia sin mirar", "Entrenamiento de tiro libre", "Reverso bajo el aro", "Robo y clavada")
#: Pareto shape of video popularity: a few videos draw most votes, as in a real contest.
POPULARITY_SHAPE = 1.2
#: Seconds --reset waits for other sessions' reads of the tables to end, instead of hanging until they do.
RESET_LOCK_WAIT = 30
#: How far back the seeded history starts.
HISTORY = timedelta(days=120)


@dataclass(frozen=True)
class SeedPlan:
    """How many rows to insert, and how."""

    players: int
    videos: int
    votes: int
    jury_share: float = 0.05
    cities: tuple[str, ...] = CITIES
    batch: int = 20_000
    seed: int = 2025


@dataclass(frozen=True)
class Phase:
    """One step of the seeding, echoed as one line."""

    name: str
    rows: int
    seconds: float
    detail: str = ""
    unit: str = "rows"

    def line(self) -> str:
        """The operator's progress line."""
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.name}: {self.rows:,} {self.unit}{extra} in {self.seconds:.1f} s"


@dataclass(frozen=True)
class SeededUsers:
    """The ids given to the seeded accounts, with who may own videos and when they signed up."""

    ids: list[int]
    player_ids: list[int]
    signed_up: dict[int, datetime]


@dataclass(frozen=True)
class SeededVideos:
    """The seeded videos: consecutive ids from ``first_id``, with each one's owner and publication time."""

    first_id: int
    owners: list[int]
    processed_at: list[datetime]

    @property
    def ids(self) -> range:
        """The seeded videos' ids."""
        return range(self.first_id, self.first_id + len(self.owners))


def production_refused(confirmed: bool) -> bool:
    """Whether ANB_ENV says production and nobody confirmed that fake rows should go there."""
    return os.environ.get("ANB_ENV") == "production" and not confirmed


def seed(connection: Connection, plan: SeedPlan, reset: bool = False,
         echo: Callable[[str], None] = print) -> list[Phase]:
    """Insert the plan's users, videos and votes, then set the counters; one Phase per step."""
    check_plan(plan)
    rng = random.Random(plan.seed)
    phases: list[Phase] = []

    def phase[T](name: str, detail: str, step: Callable[[], T], rows: Callable[[T], int],
                 unit: str = "rows") -> T:
        started = time.perf_counter()
        result = step()
        phases.append(Phase(name, rows(result), time.perf_counter() - started, detail, unit))
        echo(phases[-1].line())
        return result

    if reset:
        phase("reset", "votes, videos and users emptied", lambda: empty_tables(connection), lambda rows: rows)
    password_hash = hash_password(SEED_PASSWORD)
    users = phase("users", f"{round(plan.players * plan.jury_share):,} jury",
                  lambda: insert_users(connection, plan, rng, password_hash), lambda seeded: len(seeded.ids))
    videos = phase("videos", "all processed", lambda: insert_videos(connection, plan, rng, users),
                   lambda seeded: len(seeded.owners))
    phase("search terms", "words of titles and players' names",
          lambda: reindex(connection, videos.first_id, videos.first_id + len(videos.owners) - 1, plan.batch),
          lambda rows: rows)
    phase("votes", "unique per video and voter", lambda: insert_votes(connection, plan, rng, users, videos),
          lambda rows: rows)
    phase("counters", "set from the votes", lambda: update_counters(connection, videos), lambda rows: rows)
    phase("analyze", "fresh optimizer statistics", lambda: analyze_tables(connection), lambda tables: tables,
          "tables")
    return phases


def check_plan(plan: SeedPlan) -> None:
    """Refuse a plan that cannot be satisfied, before anything is written."""
    jury = round(plan.players * plan.jury_share)
    if plan.players < 2 or not 0 <= plan.jury_share < 1 or jury >= plan.players:
        raise ValueError("Need at least 2 accounts, some of them players (jury share below 1).")
    if plan.videos < 0 or plan.votes < 0 or plan.batch < 1 or not plan.cities:
        raise ValueError("Counts must not be negative, the batch positive, and some city given.")
    if plan.votes > plan.videos * (plan.players - 1):
        raise ValueError(f"{plan.votes:,} votes do not fit: each of {plan.videos:,} videos can get at most "
                         f"{plan.players - 1:,} (one per account but its owner).")


def empty_tables(connection: Connection) -> int:
    """Empty votes, videos (with their timelines and search terms) and users at once (TRUNCATE: fast, ids
    restart at 1); how many rows went."""
    rows = sum(table_counts(connection).values())
    connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
    try:
        for table in (SearchTerm.__table__, VideoEvent.__table__, Vote.__table__, Video.__table__,
                      User.__table__):
            connection.execute(text(f"SET STATEMENT lock_wait_timeout = {RESET_LOCK_WAIT} FOR "
                                    f"TRUNCATE TABLE `{table.name}`"))
    finally:
        connection.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    connection.commit()
    return rows


def next_id(connection: Connection, column) -> int:
    """The first free id above every existing one: seeded rows get explicit ids from there."""
    return (connection.execute(select(func.max(column))).scalar() or 0) + 1


def insert_batches(connection: Connection, model: type, rows: Iterable[dict], batch: int) -> int:
    """Multi-row INSERTs of ``batch`` rows each, committed one by one; how many rows went in."""
    count = 0
    for chunk in batched(rows, batch, strict=False):
        connection.execute(insert(model), list(chunk))
        connection.commit()
        count += len(chunk)
    return count


def insert_users(connection: Connection, plan: SeedPlan, rng: random.Random,
                 password_hash: str) -> SeededUsers:
    """Accounts with real-looking names, cities weighted like a country's, a share of them jury."""
    first_id = next_id(connection, User.id)
    ids = list(range(first_id, first_id + plan.players))
    jury = set(rng.sample(ids, round(plan.players * plan.jury_share)))
    city_weights = list(accumulate(1 / rank for rank in range(1, len(plan.cities) + 1)))
    cities = rng.choices(plan.cities, cum_weights=city_weights, k=plan.players)
    start = now_utc() - HISTORY
    step = HISTORY / 3 / plan.players
    signed_up = {user_id: start + step * index for index, user_id in enumerate(ids)}

    def rows() -> Iterator[dict]:
        for user_id, city in zip(ids, cities, strict=True):
            first = rng.choice(FIRST_NAMES)
            last = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
            yield {"id": user_id, "email": seed_email(first, last, user_id), "password_hash": password_hash,
                   "first_name": first, "last_name": last, "city": city, "country": "Colombia",
                   "role": Role.JURY if user_id in jury else Role.PLAYER, "created_at": signed_up[user_id]}

    insert_batches(connection, User, rows(), plan.batch)
    return SeededUsers(ids, [user_id for user_id in ids if user_id not in jury], signed_up)


def insert_load_accounts(connection: Connection, count: int, cities: Sequence[str], batch: int,
                         rng_seed: int) -> list[str]:
    """``count`` players (no videos, no votes) for a load test to log in as, with SEED_PASSWORD; their
    emails. Made here, not by the swarm, so sign-up cost does not distort the measured reads."""
    plan = SeedPlan(count, 0, 0, 0.0, tuple(cities), batch, rng_seed)
    check_plan(plan)
    users = insert_users(connection, plan, random.Random(rng_seed), hash_password(SEED_PASSWORD))
    emails = select(User.email).where(User.id.between(users.ids[0], users.ids[-1])).order_by(User.id)
    return list(connection.execute(emails).scalars())


def seed_email(first: str, last: str, user_id: int) -> str:
    """An ASCII address unique by id, e.g. maria.jose.garcia.munoz.17@seed.anb.example."""
    name = unicodedata.normalize("NFKD", f"{first} {last}").encode("ascii", "ignore").decode()
    return f"{'.'.join(name.lower().split())}.{user_id}@{SEED_EMAIL_DOMAIN}"


def insert_videos(connection: Connection, plan: SeedPlan, rng: random.Random,
                  users: SeededUsers) -> SeededVideos:
    """Processed videos of random players, published after their owner signed up."""
    first_id = next_id(connection, Video.id)
    owners = rng.choices(users.player_ids, k=plan.videos)
    now = now_utc()
    uploaded = [_between(rng, users.signed_up[owner], now) for owner in owners]
    processed_at = [moment + timedelta(seconds=rng.uniform(20, 180)) for moment in uploaded]

    def rows() -> Iterator[dict]:
        for index, owner in enumerate(owners):
            video_id = first_id + index
            yield {"id": video_id, "owner_id": owner, "title": rng.choice(TITLES),
                   "status": VideoStatus.PROCESSED, "original_key": keys.original_key(f"seed-{video_id}"),
                   "processed_key": keys.processed_key(video_id), "uploaded_at": uploaded[index],
                   "processed_at": processed_at[index]}

    insert_batches(connection, Video, rows(), plan.batch)
    return SeededVideos(first_id, owners, processed_at)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def insert_votes(connection: Connection, plan: SeedPlan, rng: random.Random, users: SeededUsers,
                 videos: SeededVideos) -> int:
    """Votes of seeded accounts on seeded videos, each (video, voter) pair at most once, none for oneself."""
    jury = set(users.ids) - set(users.player_ids)
    now = now_utc()

    def rows() -> Iterator[dict]:
        for video_id, voter_id in vote_pairs(rng, plan.votes, users.ids, videos):
            yield {"video_id": video_id, "voter_id": voter_id, "is_jury": voter_id in jury,
                   "ip_address": f"10.{voter_id >> 16 & 255}.{voter_id >> 8 & 255}.{voter_id & 255}",
                   "user_agent": SEED_USER_AGENT,
                   "created_at": _between(rng, videos.processed_at[video_id - videos.first_id], now)}

    return insert_batches(connection, Vote, rows(), plan.batch)


def vote_pairs(rng: random.Random, votes: int, voters: Sequence[int],
               videos: SeededVideos) -> Iterator[tuple[int, int]]:
    """Distinct (video, voter) pairs by construction: per video, a sample of distinct voters but its owner."""
    per_video = votes_per_video(rng, votes, len(videos.owners), len(voters) - 1)
    for index, count in enumerate(per_video):
        if count:
            owner = videos.owners[index]
            picked = (voters[position] for position in rng.sample(range(len(voters)), count + 1))
            chosen = [voter for voter in picked if voter != owner][:count]
            yield from ((videos.first_id + index, voter) for voter in chosen)


def votes_per_video(rng: random.Random, votes: int, videos: int, cap: int) -> list[int]:
    """Heavy-tailed vote counts summing to ``votes``, none above ``cap``; the excess goes to the next ones."""
    if not videos:
        return []
    popularity = list(accumulate(rng.paretovariate(POPULARITY_SHAPE) for _ in range(videos)))
    drawn = Counter(rng.choices(range(videos), cum_weights=popularity, k=votes))
    counts = [min(drawn[index], cap) for index in range(videos)]
    excess = votes - sum(counts)
    for index in range(videos):
        if not excess:
            break
        extra = min(cap - counts[index], excess)
        counts[index] += extra
        excess -= extra
    return counts


def update_counters(connection: Connection, videos: SeededVideos) -> int:
    """Set the seeded rows' counters from the votes (UPDATE ... JOIN a GROUP BY); how many rows changed."""
    seeded = videos.ids
    tallies, owners, processed = video_tallies(seeded), owner_tallies(seeded), processed_tallies(seeded)
    statements = (
        update(Video).where(Video.id == tallies.c.video_id).values(votes_count=tallies.c.votes),
        update(User).where(User.id == owners.c.owner_id).values(public_votes=owners.c.total - owners.c.jury,
                                                                jury_votes=owners.c.jury,
                                                                total_votes=owners.c.total),
        update(User).where(User.id == processed.c.owner_id).values(processed_videos=processed.c.processed),
    )
    changed = sum(connection.execute(statement).rowcount for statement in statements)
    connection.commit()
    return changed


def analyze_tables(connection: Connection) -> int:
    """Refresh the index statistics after a bulk load, so the optimizer plans with the real sizes."""
    tables = [model.__tablename__ for model in (User, Video, Vote, SearchTerm)]
    connection.execute(text(f"ANALYZE TABLE {', '.join(f'`{table}`' for table in tables)}")).all()
    connection.commit()
    return len(tables)
