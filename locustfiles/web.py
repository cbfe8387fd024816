"""The web mix: fans who log in once (accounts made up front), then mostly read — catalogue, rankings,
video pages — and now and then vote, look at their profile, log in again or sign a friend up. Think time
1–5 s. Every body is checked against the contract: a 200 with a wrong body is a failure."""

from __future__ import annotations

import itertools
import random

from locust import between, task

from locustfiles.common import CITIES, ApiUser, log_in, new_account, seeded_account

CATALOGUE_FIELDS = {"video_id", "title", "username", "city", "processed_url", "votes", "processed_at"}
RANKING_FIELDS = {"position", "username", "city", "votes"}
VOTE_ANSWERS = {200: "Voto registrado exitosamente.", 400: ("Ya has votado por este video.",
                                                            "No puedes votar por tu propio video.")}


def consecutive(positions: list[int]) -> bool:
    """Whether the positions count up by one (a page of the ranking)."""
    return all(later == earlier + 1 for earlier, later in itertools.pairwise(positions))


class WebFan(ApiUser):
    """A fan on the web site."""

    wait_time = between(1, 5)

    def on_start(self) -> None:
        self.email, self.password = seeded_account()
        self.headers: dict[str, str] = {}
        self.video_ids: list[str] = []
        self.login()

    @task(1)
    def login(self) -> None:
        """Log in (again): a fresh token."""
        token = log_in(self.client, self.email, self.password)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    @task(8)
    def catalogue(self) -> None:
        """The catalogue as an anonymous visitor sees it: mostly the first page, often of one city."""
        query = {"page": 1 if random.random() < 0.8 else random.randint(2, 5)}
        if random.random() < 0.5:
            query["city"] = random.choice(CITIES)
        with self.client.get("/api/public/videos", params=query, name="/api/public/videos",
                             catch_response=True) as response:
            items = response.json() if response.status_code == 200 else None
            if not isinstance(items, list) or any(not item.keys() >= CATALOGUE_FIELDS for item in items):
                response.failure(f"catalogue answered {response.status_code} or a wrong body")
                return
            self.video_ids = [item["video_id"] for item in items] or self.video_ids

    @task(6)
    def ranking(self) -> None:
        """The ranking: global, of a city, of the jury, or a later page."""
        query = random.choice([{}, {"city": random.choice(CITIES)}, {"voter": "jury"}, {"page": 2}])
        with self.client.get("/api/public/rankings", params=query, name="/api/public/rankings",
                             catch_response=True) as response:
            rows = response.json() if response.status_code == 200 else None
            if not isinstance(rows, list) or any(row.keys() != RANKING_FIELDS for row in rows):
                response.failure(f"ranking answered {response.status_code} or a wrong body")
            elif not consecutive([row["position"] for row in rows]):
                response.failure("ranking positions do not follow each other")

    @task(4)
    def video(self) -> None:
        """One video's public page, signed in (it says whether this fan voted for it)."""
        if not self.video_ids:
            return self.catalogue()
        video_id = random.choice(self.video_ids)
        with self.client.get(f"/api/public/videos/{video_id}", headers=self.headers,
                             name="/api/public/videos/[id]", catch_response=True) as response:
            body = response.json() if response.status_code == 200 else {}
            if body.get("video_id") != video_id or "voted_by_me" not in body:
                response.failure(f"video answered {response.status_code} or a wrong body")

    @task(2)
    def vote(self) -> None:
        """Vote for a video seen in the catalogue: 200 the first time, 400 if voted already or its own."""
        if not self.video_ids or not self.headers:
            return
        video_id = random.choice(self.video_ids)
        with self.client.post(f"/api/public/videos/{video_id}/vote", headers=self.headers,
                              name="/api/public/videos/[id]/vote", catch_response=True) as response:
            expected = VOTE_ANSWERS.get(response.status_code, ())
            message = response.json().get("message") if response.status_code in VOTE_ANSWERS else None
            if message is None or message not in expected:
                response.failure(f"vote answered {response.status_code}: {message}")
            else:
                response.success()

    @task(1)
    def profile(self) -> None:
        """The fan's own profile."""
        if not self.headers:
            return
        with self.client.get("/api/auth/me", headers=self.headers, name="/api/auth/me",
                             catch_response=True) as response:
            if response.status_code != 200 or response.json().get("email") != self.email:
                response.failure(f"profile answered {response.status_code} or a wrong body")

    @task(1)
    def sign_up(self) -> None:
        """A newcomer signs up (needs SIGNUP_RATE_LIMIT raised: every simulated user shares 127.0.0.1)."""
        new_account(self.client, random.choice(CITIES))
