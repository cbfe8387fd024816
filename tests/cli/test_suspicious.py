"""``flask votes suspicious``: the four rules on a seeded set with known answers, in three formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from anb.extensions import db
from anb.models import Vote, now_utc
from tests.helpers import cast_vote

THRESHOLDS = {"FRAUD_NEW_ACCOUNT_HOURS": 48, "FRAUD_SAME_ADDRESS_MIN_ACCOUNTS": 3,
              "FRAUD_QUICK_VOTE_MINUTES": 10, "FRAUD_QUICK_VOTE_MIN_ACCOUNTS": 2, "FRAUD_BURST_MINUTES": 10,
              "FRAUD_BURST_MIN_VOTES": 4, "FRAUD_SAME_DAY_MIN_VOTES": 4, "FRAUD_SAME_DAY_SHARE": 0.6}


@pytest.fixture
def scene(app, make_user, make_video):
    """A farm on video 1, quick sign-up voters, a user-agent burst, a same-day crowd, an old farm."""
    app.config.update(THRESHOLDS)
    now = now_utc()
    videos = [make_video(make_user()) for _ in range(4)]
    # A 10-minute slot (aligned as the rule aligns them) that ended at least 10 minutes ago.
    slot_start = now.replace(minute=now.minute // 10 * 10, second=0, microsecond=0) - timedelta(minutes=20)
    burst_at = slot_start + timedelta(minutes=5)

    def voter(created, **fields):
        return make_user(created_at=created, **fields)

    def voted(video, user, at, ip, agent):
        cast_vote(video, user, ip_address=ip, user_agent=agent)
        db.session.execute(db.update(Vote).where(Vote.voter_id == user.id, Vote.video_id == video.id)
                           .values(created_at=at))
        db.session.commit()

    farm = [voter(now - timedelta(hours=1)) for _ in range(3)]
    for user in farm:
        voted(videos[0], user, now - timedelta(minutes=5), "203.0.113.7", "FarmBot/1.0")
    quick = [voter(burst_at - timedelta(minutes=3)) for _ in range(2)]
    for user in quick:
        voted(videos[1], user, burst_at, "198.51.100.20", "Mozilla/5.0")
    crowd = [voter(now - timedelta(days=10)) for _ in range(4)]
    for number, user in enumerate(crowd):
        voted(videos[2], user, burst_at, f"192.0.2.{number}", "Mozilla/5.0")
    voted(videos[2], voter(now - timedelta(days=2)), now - timedelta(hours=1), "192.0.2.99", "Other/1.0")
    old_farm = [voter(now - timedelta(days=3, hours=1)) for _ in range(3)]
    for user in old_farm:
        voted(videos[3], user, now - timedelta(days=3), "192.0.2.66", "FarmBot/1.0")
    return {"videos": videos, "farm": farm, "quick": quick, "crowd": crowd, "old_farm": old_farm,
            "burst_at": burst_at}


def _json(runner, *args):
    result = runner.invoke(args=["votes", "suspicious", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_each_rule_finds_its_group_and_nothing_else(runner, scene):
    videos = scene["videos"]

    found = {(item["rule"], item["subject"], item["votes"], item["accounts"]): item["sample"]
             for item in _json(runner)}

    burst = f"user agent 'Mozilla/5.0' at {scene['burst_at'] - timedelta(minutes=5):%Y-%m-%d %H:%M} +10 min"
    emails = {name: sorted(user.email for user in scene[name]) for name in ("farm", "quick", "crowd")}
    assert found == {
        ("same_address_new_accounts", f"video {videos[0].id} from 203.0.113.7", 3, 3): emails["farm"],
        ("quick_after_signup", "address 198.51.100.20", 2, 2): emails["quick"],
        ("user_agent_burst", burst, 6, 6): sorted(emails["quick"] + emails["crowd"]),
        ("same_day_accounts", f"video {videos[2].id}: 4 of 5 votes by accounts created "
                              f"{scene['crowd'][0].created_at:%Y-%m-%d}", 4, 4): emails["crowd"],
    }


def test_the_window_and_the_thresholds_decide(runner, app, scene):
    week = _json(runner, "--since", "7d")
    assert f"video {scene['videos'][3].id} from 192.0.2.66" in {item["subject"] for item in week}

    app.config["FRAUD_SAME_ADDRESS_MIN_ACCOUNTS"] = 4
    app.config["FRAUD_BURST_MIN_VOTES"] = 7
    assert {item["rule"] for item in _json(runner)} == {"quick_after_signup", "same_day_accounts"}
    assert _json(runner, "--since", "1m") == []


def test_table_and_csv_output_and_bad_options(runner, scene):
    table = runner.invoke(args=["votes", "suspicious"])
    assert table.exit_code == 0 and table.output.startswith("rule\tvotes\taccounts\tsubject")
    assert "4 groups in the last 1 day, 0:00:00." in table.output

    as_csv = runner.invoke(args=["votes", "suspicious", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert sorted(row["rule"] for row in rows) == ["quick_after_signup", "same_address_new_accounts",
                                                   "same_day_accounts", "user_agent_burst"]
    assert runner.invoke(args=["votes", "suspicious", "--since", "soon"]).exit_code == 2
    assert runner.invoke(args=["votes", "suspicious", "--format", "xml"]).exit_code == 2
