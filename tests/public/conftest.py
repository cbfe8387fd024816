"""Fixtures the public endpoints' tests share."""

from __future__ import annotations

import pytest

from anb.models import Role
from tests.helpers import bearer


@pytest.fixture
def cast_votes(client, make_user):
    """cast_votes(video, n, jury=False): n votes from n new voters."""

    def cast(video, count: int, jury: bool = False) -> None:
        for _ in range(count):
            voter = make_user(role=Role.JURY if jury else Role.PLAYER)
            response = client.post(f"/api/public/videos/{video.id}/vote", headers=bearer(voter))
            assert response.status_code == 200

    return cast
