"""``flask ranking finalists``: per city, public and jury shares combined, ties broken like the ranking."""

from __future__ import annotations

import csv

import pytest

from anb.models import Role
from tests.helpers import cast_vote


@pytest.fixture
def contest(make_user, make_video):
    """Bogotá: ana 3 public; beto 1 public + 1 jury; caro 1 jury; dani no votes; (eva has no video).
    Cali: fito 1 public. City public totals: 4 and 1; jury totals: 2 and 0."""
    cities = (("ana", "Bogotá"), ("beto", "bogota"), ("caro", "Bogotá"), ("dani", "Bogotá"),
              ("eva", "Bogotá"), ("fito", "Cali"))
    players = {name: make_user(first_name=name, last_name="X", city=city) for name, city in cities}
    videos = {name: make_video(player) for name, player in players.items() if name != "eva"}
    fans = [make_user(city="Pasto") for _ in range(3)]
    jurors = [make_user(role=Role.JURY) for _ in range(2)]
    for fan in fans:
        cast_vote(videos["ana"], fan)
    cast_vote(videos["beto"], fans[0])
    cast_vote(videos["beto"], jurors[0])
    cast_vote(videos["caro"], jurors[1])
    cast_vote(videos["fito"], fans[1])
    return players


def _table(result):
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    return [tuple(line.split("\t")[i] for i in (0, 1, 3, 5, 6, 8)) for line in lines[1:-1]]


def test_equal_weights_tie_goes_to_more_votes(runner, contest):
    table = _table(runner.invoke(args=["ranking", "finalists", "--per-city", "2"]))

    # ana 1/2*3/4 = 0.375; beto 1/2*1/4 + 1/2*1/2 = 0.375, fewer votes (2 < 3): second; caro 0.25: out.
    assert table == [("Bogotá", "1", "ana X", "3", "0", "0.375000"),
                     ("Bogotá", "2", "beto X", "1", "1", "0.375000"),
                     ("Cali", "1", "fito X", "1", "0", "0.500000")]


def test_jury_weight_one_and_a_csv(runner, contest, tmp_path):
    target = tmp_path / "finalists.csv"

    result = runner.invoke(args=["ranking", "finalists", "--per-city", "3", "--jury-weight", "1",
                                 "--csv", str(target)])

    # beto and caro both 1/2 of the jury; beto has more votes. ana 0, then dani 0 (later signup) is out.
    assert [row[2] for row in _table(result)] == ["beto X", "caro X", "ana X", "fito X"]
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(row["username"], row["public_votes"], row["jury_votes"], row["score"]) for row in rows[:2]] == [
        ("beto X", "1", "1", "0.500000"), ("caro X", "0", "1", "0.500000")]
    assert "4 finalists (jury weight 1.0, public weight 0.0)" in result.output


def test_ties_on_everything_go_to_the_earlier_signup_and_banned_are_left_out(runner, contest):
    runner.invoke(args=["users", "ban", contest["ana"].email, "--reason", "fraud"])

    table = _table(runner.invoke(args=["ranking", "finalists", "--per-city", "5", "--jury-weight", "0"]))

    assert [row[2] for row in table if row[0] != "Cali"] == ["beto X", "caro X", "dani X"]


def test_bad_arguments_fail(runner):
    assert runner.invoke(args=["ranking", "finalists"]).exit_code == 2
    assert runner.invoke(args=["ranking", "finalists", "--per-city", "0"]).exit_code == 2
    too_heavy = runner.invoke(args=["ranking", "finalists", "--per-city", "1", "--jury-weight", "1.5"])
    assert too_heavy.exit_code == 2
    empty = runner.invoke(args=["ranking", "finalists", "--per-city", "1"])
    assert empty.exit_code == 0 and "0 finalists" in empty.output
