"""GET /api/public/rankings: players by votes, positions across pages, ties, city and voter filters."""

from __future__ import annotations

import time

import pytest

from anb.extensions import cache
from anb.models import VideoStatus


def ranking(client, **query):
    response = client.get("/api/public/rankings", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_players_ranked_by_total_votes_over_their_videos(client, make_user, make_video, cast_votes):
    ana, luis, eva = (make_user(first_name=name, last_name="Ríos") for name in ("Ana", "Luis", "Eva"))
    cast_votes(make_video(ana), 1)
    cast_votes(make_video(ana), 2)
    cast_votes(make_video(luis), 4)
    make_video(eva)
    make_video(make_user(first_name="Sin", last_name="Publicar"), VideoStatus.PROCESSING)

    rows = ranking(client)

    assert rows[:3] == [
        {"position": 1, "username": "Luis Ríos", "city": "Bogotá", "votes": 4},
        {"position": 2, "username": "Ana Ríos", "city": "Bogotá", "votes": 3},
        {"position": 3, "username": "Eva Ríos", "city": "Bogotá", "votes": 0},
    ]
    assert "Sin Publicar" not in {row["username"] for row in rows}


def test_ties_go_to_the_earlier_signup_and_positions_continue_across_pages(client, make_user, make_video):
    players = [make_user(first_name=f"P{n}", last_name="X") for n in range(5)]
    for player in players:
        make_video(player)

    pages = [ranking(client, page=n, page_size=2) for n in (1, 2, 3)]

    assert [[(row["position"], row["username"]) for row in page] for page in pages] == [
        [(1, "P0 X"), (2, "P1 X")], [(3, "P2 X"), (4, "P3 X")], [(5, "P4 X")]]


def test_city_filter_ignores_case_and_accents_and_ranks_within_the_city(client, make_user, make_video,
                                                                        cast_votes):
    cast_votes(make_video(make_user(first_name="Top", last_name="Cali", city="Cali")), 5)
    cast_votes(make_video(make_user(first_name="Uno", last_name="Bogotá", city="Bogotá")), 2)
    make_video(make_user(first_name="Dos", last_name="Bogotá", city="BOGOTA"))

    for city in ("bogota", "Bogotá", "BOGOTÁ"):
        rows = ranking(client, city=city)
        assert [(row["position"], row["username"]) for row in rows] == [(1, "Uno Bogotá"), (2, "Dos Bogotá")]
    assert ranking(client, city="Pasto") == []


def test_voter_filter_separates_jury_from_public(client, make_user, make_video, cast_votes):
    crowd = make_user(first_name="Del", last_name="Público")
    expert = make_user(first_name="Del", last_name="Jurado")
    cast_votes(make_video(crowd), 3)
    cast_votes(make_video(expert), 1, jury=True)

    assert [(r["username"], r["votes"]) for r in ranking(client, voter="public")] == [
        ("Del Público", 3), ("Del Jurado", 0)]
    assert [(r["username"], r["votes"]) for r in ranking(client, voter="jury")] == [
        ("Del Jurado", 1), ("Del Público", 0)]
    assert [(r["username"], r["votes"]) for r in ranking(client)] == [("Del Público", 3), ("Del Jurado", 1)]


def test_a_vote_shows_in_the_ranking_within_two_seconds(client, make_user, make_video, cast_votes):
    first, second = make_user(first_name="A", last_name="A"), make_user(first_name="B", last_name="B")
    make_video(first)
    later = make_video(second)
    cache.clear()
    assert ranking(client)[0]["username"] == "A A"

    cast_votes(later, 1)

    deadline = time.monotonic() + 2
    while ranking(client)[0]["username"] != "B B":
        assert time.monotonic() < deadline, "the vote did not reach the ranking within 2 s"
        time.sleep(0.1)


@pytest.mark.parametrize("query", ["page=0", "page=x", "page_size=0", "page_size=101", "voter=fans",
                                   "voter=", "city=", "page=1e3", "page=99999999999999999999"])
def test_bad_parameters_are_400_with_the_contract_message(client, query):
    response = client.get(f"/api/public/rankings?{query}")

    assert response.status_code == 400
    assert response.get_json()["message"] == "Parámetro inválido en la consulta."
