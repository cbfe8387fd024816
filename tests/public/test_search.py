"""Catalogue search through the word index (search_terms): what it finds, in which order, and the index kept
in step with publication, takedown, deletion and renames."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from anb.admin.videos import takedown
from anb.extensions import db
from anb.models import SearchTerm, TermField, Video, VideoStatus
from anb.public import searching
from anb.search import PAIRED_WORDS, UNPAIRED, drift, field_terms, fold, pair, reindex, words
from anb.videos import keys, processing
from anb.videos.service import remove
from tests.helpers import bearer


def search(client, text: str, **params) -> list[str]:
    """The ids a search answers, in order."""
    response = client.get("/api/public/videos", query_string={"q": text, **params})
    assert response.status_code == 200, response.get_json()
    return [item["video_id"] for item in response.get_json()]


def index_is_clean() -> bool:
    """Whether search_terms holds exactly what a rebuild from the published videos would write."""
    db.session.rollback()
    with db.engine.connect() as connection:
        return drift(connection).clean


def test_folding_ignores_case_and_accents_and_skips_short_and_common_words():
    assert fold("García MUÑOZ Ñandú") == "garcia munoz nandu"
    assert words("Clavada de REVÉS, con el base: ¡la mejor!") == ["clavada", "reves", "con", "base", "mejor"]
    assert words("the la y de") == []
    assert words("x" * 40) == ["x" * 32]


def test_a_field_gives_its_words_and_the_pairs_of_its_first_words():
    assert field_terms("Clavada de revés", TermField.TITLE) == [("clavada", 1), ("reves", 1),
                                                               ("clavada reves", 3)]
    assert field_terms("Zapata Ana", TermField.NAME) == [("zapata", 2), ("ana", 2), ("ana zapata", 4)]
    many = [f"palabra{number}" for number in range(PAIRED_WORDS + 1)]
    terms = field_terms(" ".join(many), TermField.TITLE)
    assert [term for term, field in terms if field == 1] == many
    assert [term for term, field in terms if field == 3] == [
        *[pair(first, second) for first, second in itertools.combinations(many[:PAIRED_WORDS], 2)], UNPAIRED]


def test_search_ignores_case_and_accents_both_ways(client, make_user, make_video):
    garcia = make_video(make_user(first_name="Martín", last_name="García"), title="CLAVADA de revés")
    make_video(make_user(first_name="Ana", last_name="Gómez"), title="Triple")

    for text in ("garcia", "GARCÍA", "Garcìa", "martin garcia", "clavada", "Clavadá", "reves", "REVÉS"):
        assert search(client, text) == [str(garcia.id)], text


def test_every_word_counts_as_the_beginning_of_a_word_of_the_title_or_of_the_name(client, make_user,
                                                                                  make_video):
    jose = make_user(first_name="José", last_name="Muñoz")
    clavada = make_video(jose, title="Clavada en contraataque")
    clavadas = make_video(make_user(), title="Tres clavadas seguidas")

    assert search(client, "clav") == [str(clavadas.id), str(clavada.id)]
    assert search(client, "clavadas") == [str(clavadas.id)]
    assert search(client, "jos mu") == [str(clavada.id)]  # "mu" is too short: ignored
    assert search(client, "jos muñ") == [str(clavada.id)]
    assert search(client, "contra clav") == [str(clavada.id)]
    assert search(client, "clavada jose") == []  # one word in the title, the other in the name
    assert search(client, "clavadaz") == []


def test_search_pages_in_exactly_the_plain_catalogue_order(client, user, make_video):
    titles = ["Triple", "Clavada", "Triple lejano", "Triplete", "Clavada", "Triple", "Tripleta", "Triple"]
    videos = [make_video(user, title=title) for title in titles]
    # Publication times that tie, as a batch of videos can: the order falls back to the id, newest first.
    moment = videos[0].processed_at
    db.session.execute(db.update(Video).where(Video.id.in_([video.id for video in videos[2:6]]))
                       .values(processed_at=moment + timedelta(seconds=5)))
    db.session.commit()
    with db.engine.connect() as connection:
        reindex(connection)
    plain = [item["video_id"] for item in client.get("/api/public/videos?page_size=50").get_json()]
    by_title = {str(video.id): video.title for video in videos}

    for text in ("triple", "tripl", "clavada", "ana"):
        expected = [video_id for video_id in plain
                    if text in fold(by_title[video_id]) or text == "ana"]  # "ana" is the player's name
        assert search(client, text, page_size=50) == expected
        pages = [search(client, text, page=page, page_size=2) for page in range(1, 6)]
        assert list(itertools.chain(*pages)) == expected


@pytest.mark.parametrize("expansions", [searching.MAX_EXPANSIONS, 1])
def test_a_partial_word_merges_the_words_it_begins(client, user, make_video, monkeypatch, expansions):
    # With 1, "cla" begins more words than MAX_EXPANSIONS: its videos are sorted instead of merged.
    monkeypatch.setattr(searching, "MAX_EXPANSIONS", expansions)
    videos = [make_video(user, title=title) for title in
              ("Clavada", "Clásico", "Claro que sí", "Clavada", "Triple", "Clásico de barrio", "Clavadas")]
    newest_first = [str(video.id) for video in reversed(videos) if video.title != "Triple"]

    assert search(client, "cla", page_size=50) == newest_first
    pages = [search(client, "cla", page=page, page_size=4) for page in (1, 2, 3)]
    assert pages == [newest_first[:4], newest_first[4:], []]
    assert search(client, "cla barrio") == [str(videos[5].id)]


def test_search_combines_with_city_player_and_sort(client, make_user, make_video):
    bogota, cali = make_user(city="Bogotá"), make_user(city="Cali")
    first, second, third = (make_video(owner, title="Triple") for owner in (bogota, cali, bogota))
    make_video(bogota, title="Clavada")
    db.session.execute(db.update(Video).where(Video.id == first.id).values(votes_count=5))
    db.session.execute(db.update(Video).where(Video.id == second.id).values(votes_count=3))
    db.session.commit()

    assert search(client, "triple", city="bogota") == [str(third.id), str(first.id)]
    assert search(client, "triple", player_id=str(cali.id)) == [str(second.id)]
    assert search(client, "triple", player_id=str(bogota.id), sort="votes") == [str(first.id), str(third.id)]
    assert search(client, "triple", sort="votes") == [str(first.id), str(second.id), str(third.id)]
    assert search(client, "triple", sort="votes", city="Cali") == [str(second.id)]
    assert search(client, "triple", sort="votes", page=2, page_size=2) == [str(third.id)]


@pytest.mark.parametrize(("gather_limit", "sample"), [(searching.GATHER_LIMIT, searching.SAMPLE),
                                                      (1, searching.SAMPLE), (1, 1)])
def test_search_by_votes_sorts_rare_words_and_walks_the_ranking_for_common_ones(client, make_user, make_video,
                                                                                monkeypatch, gather_limit,
                                                                                sample):
    # With a limit of 1 every word is "common": one word is found by walking the catalogue by votes; several
    # are too when a sample of 1 shows them together, else the rarest word's videos are sorted.
    monkeypatch.setattr(searching, "GATHER_LIMIT", gather_limit)
    monkeypatch.setattr(searching, "SAMPLE", sample)
    ana = make_user(first_name="Ana", last_name="Triple")
    videos = [make_video(ana, title="Triple"), make_video(make_user(), title="Triple"),
              make_video(make_user(), title="Clavada"), make_video(ana, title="Clavada")]
    for video, votes in zip(videos, (1, 7, 9, 4), strict=True):
        db.session.execute(db.update(Video).where(Video.id == video.id).values(votes_count=votes))
    db.session.commit()
    ids = [str(video.id) for video in videos]

    assert search(client, "triple", sort="votes") == [ids[1], ids[3], ids[0]]  # title or name
    assert search(client, "ana triple", sort="votes") == [ids[3], ids[0]]
    assert search(client, "clavada ana", sort="votes") == []


def test_a_rename_changes_what_finds_the_players_videos(client, make_user, make_video):
    player = make_user(first_name="Jugador", last_name="Uno")
    video = make_video(player, title="Triple")

    response = client.patch("/api/auth/me", json={"first_name": "Ángel", "last_name": "Ibáñez"},
                            headers=bearer(player))

    assert response.status_code == 200
    assert search(client, "jugador") == [] and search(client, "uno") == []
    assert search(client, "angel ibanez") == search(client, "triple") == [str(video.id)]
    assert index_is_clean()


def test_taken_down_and_deleted_videos_leave_the_search(client, user, make_video):
    kept, taken, deleted = (make_video(user, title="Triple") for _ in range(3))

    assert takedown(taken.id, "copyright", "admin@example.com")
    remove(db.session.get(Video, deleted.id))

    assert search(client, "triple") == [str(kept.id)]
    assert db.session.execute(db.select(SearchTerm.video_id).distinct()).scalars().all() == [kept.id]


def test_a_video_published_again_has_its_rows_replaced(client, user, make_video):
    # Its status changed behind the app's back (as an operator's SQL could), then processed again.
    video = make_video(user, title="Triple")
    db.session.execute(db.update(Video).where(Video.id == video.id).values(status=VideoStatus.FAILED))
    db.session.commit()

    assert processing.mark_processed(video.id, keys.processed_key(video.id))

    assert search(client, "triple") == [str(video.id)]
    assert index_is_clean()


def test_unpublished_videos_are_never_found(client, user, make_video):
    for status in (VideoStatus.UPLOADED, VideoStatus.PROCESSING, VideoStatus.FAILED):
        make_video(user, status, title="Triple")

    assert search(client, "triple") == []
    assert db.session.execute(db.select(db.func.count()).select_from(SearchTerm)).scalar() == 0


def test_the_index_matches_a_rebuild_after_a_sequence_of_operations(client, make_user, make_video):
    players = [make_user(first_name=name, last_name="Pérez") for name in ("Ana", "Luis", "Óscar")]
    videos = [make_video(player, title=title) for player, title in
              itertools.product(players, ("Triple desde la esquina", "Clavada"))]
    client.patch("/api/auth/me", json={"last_name": "Muñoz Díaz"}, headers=bearer(players[0]))
    takedown(videos[2].id, "spam", "admin@example.com")
    remove(db.session.get(Video, videos[3].id))
    client.patch("/api/auth/me", json={"first_name": "Lucho"}, headers=bearer(players[1]))
    make_video(players[1], title="Otra clavada")
    client.patch("/api/auth/me", json={"city": "Cali"}, headers=bearer(players[2]))

    assert index_is_clean()
    assert search(client, "munoz diaz clavada") == []
    assert search(client, "munoz diaz") == [str(videos[1].id), str(videos[0].id)]
    assert len(search(client, "lucho")) == 1


def test_two_words_are_read_from_their_pairs_range(client, make_user, make_video):
    ana = make_user(first_name="Ana", last_name="Zapata")
    together = [make_video(ana, title="Crossover y reverso"), make_video(ana, title="Reverso tras crossover")]
    make_video(ana, title="Crossover"), make_video(ana, title="Reverso")
    make_video(make_user(first_name="Zapata", last_name="Ana Lucía"))  # the same pair, in the other order
    newest_first = [str(video.id) for video in reversed(together)]

    assert search(client, "crossover reverso") == search(client, "REVERSO cross") == newest_first
    assert search(client, "crossover reverso", sort="votes") == sorted(newest_first, key=int)
    assert len(search(client, "ana zapata")) == 5
    assert len(search(client, "zapata ana luc")) == len(search(client, "zapata ana luc", sort="votes")) == 1
    # Without its pair's row a video is no longer found by the two words (the pair's range is what is read).
    db.session.execute(db.delete(SearchTerm).where(SearchTerm.video_id == together[0].id,
                                                   SearchTerm.term == pair("crossover", "reverso")))
    db.session.commit()
    assert search(client, "crossover reverso") == [str(together[1].id)]


def test_a_partial_word_pairs_through_every_word_it_begins(client, make_user, make_video):
    santiago, sanchez = (make_user(first_name=name, last_name="García") for name in ("Santiago", "Sánchez"))
    videos = [make_video(santiago), make_video(sanchez), make_video(make_user(first_name="Santiago"))]

    assert search(client, "san garc") == [str(videos[1].id), str(videos[0].id)]
    assert search(client, "san garc", sort="votes") == [str(videos[0].id), str(videos[1].id)]


@pytest.mark.parametrize("sort", ["recent", "votes"])
def test_a_title_with_more_words_than_are_paired_is_still_found_by_any_two(client, user, make_video, sort):
    long_title = " ".join(f"palabra{number}" for number in range(PAIRED_WORDS + 2))
    short = make_video(user, title="palabra0 palabra9")
    long = make_video(user, title=long_title)
    make_video(user, title="palabra0")

    expected = [str(long.id), str(short.id)] if sort == "recent" else [str(short.id), str(long.id)]
    assert search(client, "palabra0 palabra9", sort=sort) == expected  # only the short one has their pair
    assert search(client, "palabra8 palabra9", sort=sort) == [str(long.id)]
    assert search(client, "palabra1 palabra2", sort=sort) == [str(long.id)]
