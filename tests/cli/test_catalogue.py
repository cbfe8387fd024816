"""``flask catalogue``: the search index checked against the published videos and rebuilt; and migrations
0008 and 0009, which build it (words, then pairs) from the videos already published."""

from __future__ import annotations

from sqlalchemy import text

from anb.extensions import db
from anb.models import SearchTerm, VideoStatus
from tests.helpers import at_revision


def stored_terms() -> set[tuple]:
    """The index's rows, read in a transaction of their own."""
    rows = {tuple(row) for row in db.session.execute(
        db.select(SearchTerm.term, SearchTerm.field, SearchTerm.video_id))}
    db.session.rollback()
    return rows


def test_check_finds_a_damaged_index_and_reindex_repairs_it(runner, client, user, make_video):
    videos = [make_video(user, title=title) for title in ("Triple", "Clavada de revés", "Tapón")]
    make_video(user, VideoStatus.FAILED, title="Fallido")
    built = stored_terms()
    db.session.execute(db.delete(SearchTerm).where(SearchTerm.video_id == videos[0].id))
    db.session.execute(db.update(SearchTerm).where(SearchTerm.term == "reves").values(term="revez"))
    db.session.commit()

    damaged = runner.invoke(args=["catalogue", "check"])
    rebuilt = runner.invoke(args=["catalogue", "reindex", "--batch", "2"])
    clean = runner.invoke(args=["catalogue", "check"])

    assert damaged.exit_code == 1
    # triple, ana, perez and "ana perez" of one video; reves of another
    assert "5 rows missing, 1 extra" in damaged.output
    assert rebuilt.exit_code == 0 and "Search index rebuilt: 14 rows" in rebuilt.output, rebuilt.output
    assert clean.exit_code == 0 and "matches" in clean.output
    assert stored_terms() == built
    ids = [item["video_id"] for item in client.get("/api/public/videos?q=triple").get_json()]
    assert ids == [str(videos[0].id)]


def test_reindex_of_an_empty_catalogue(runner):
    result = runner.invoke(args=["catalogue", "reindex"])

    assert result.exit_code == 0 and "rebuilt: 0 rows" in result.output
    assert runner.invoke(args=["catalogue", "check"]).exit_code == 0


def test_the_migration_indexes_the_videos_already_published_and_drops_the_full_text_indexes(app, user,
                                                                                           make_video):
    published = make_video(user, title="Clavada de revés")
    make_video(user, VideoStatus.UPLOADED, title="Triple")
    built = stored_terms()
    with at_revision(app, "0007_reliability"):
        full_text = db.session.execute(text("SHOW INDEX FROM videos WHERE Index_type = 'FULLTEXT'")).all()
        db.session.rollback()

    assert full_text
    assert stored_terms() == built == {("clavada", 1, published.id), ("reves", 1, published.id),
                                       ("ana", 2, published.id), ("perez", 2, published.id),
                                       ("clavada reves", 3, published.id), ("ana perez", 4, published.id)}
    assert not db.session.execute(text("SHOW INDEX FROM videos WHERE Index_type = 'FULLTEXT'")).all()
    assert not db.session.execute(text("SHOW INDEX FROM users WHERE Index_type = 'FULLTEXT'")).all()


def test_migration_0009_adds_the_pairs_and_takes_them_back(app, user, make_video):
    published = make_video(user, title="Clavada de revés")
    built = stored_terms()
    with at_revision(app, "0008_search_terms"):
        words_only = stored_terms()

    assert words_only == {row for row in built if row[1] in (1, 2)}
    assert stored_terms() == built
    assert ("clavada reves", 3, published.id) in built
