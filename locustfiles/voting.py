"""The public side under load: browse the catalogue, vote, and watch the ranking."""

from __future__ import annotations

import random

from locust import task

from locustfiles.common import CITIES, ApiUser, log_in, new_account


class Voter(ApiUser):
    """A fan who logs in once, then browses, votes for videos it has not voted for, and checks rankings."""

    def on_start(self) -> None:
        """Sign up and keep the token in the client's headers."""
        token = log_in(self.client, new_account(self.client, random.choice(CITIES)))
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.candidates: list[str] = []

    @task(5)
    def browse(self) -> None:
        """A page of the catalogue; remember its videos as vote candidates."""
        page = random.randint(1, 5)
        with self.client.get(f"/api/public/videos?page={page}&page_size=20", name="/api/public/videos",
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"catalogue answered {response.status_code}")
                return
            self.candidates.extend(item["video_id"] for item in response.json())

    @task(3)
    def vote(self) -> None:
        """Vote once for a video seen in the catalogue: 200 the first time, 400 if already voted."""
        if not self.candidates or not self.headers:
            return
        video_id = self.candidates.pop(random.randrange(len(self.candidates)))
        with self.client.post(f"/api/public/videos/{video_id}/vote", headers=self.headers,
                              name="/api/public/videos/[id]/vote", catch_response=True) as response:
            if response.status_code in (200, 400):
                response.success()
            else:
                response.failure(f"vote answered {response.status_code}")

    @task(4)
    def ranking(self) -> None:
        """The global or a city's ranking."""
        query = random.choice(["", f"?city={random.choice(CITIES)}", "?voter=jury", "?page=2"])
        with self.client.get(f"/api/public/rankings{query}", name="/api/public/rankings",
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"ranking answered {response.status_code}")
