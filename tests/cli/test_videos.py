"""``flask videos``: listing by state and reprocessing a failed video."""

from anb.extensions import db
from anb.models import VideoStatus
from tests.helpers import uploaded_id
from tests.worker import wait_until_finished


def test_list_filters_by_status(runner, user, make_video):
    failed = make_video(user, VideoStatus.FAILED, title="Roto")
    make_video(user, title="Bien")

    result = runner.invoke(args=["videos", "list", "--status", "failed"])

    assert result.exit_code == 0
    assert result.output.startswith(f"{failed.id}\tfailed") and "Bien" not in result.output


def test_retry_reprocesses_a_failed_video(runner, client, auth_headers, clips, live_worker):
    video_id = uploaded_id(client, auth_headers, clips["valid"])
    wait_until_finished(video_id)
    db.session.execute(db.text("UPDATE videos SET status='failed', error='lost' WHERE id=:id"),
                       {"id": video_id})
    db.session.execute(db.text("UPDATE users SET processed_videos = 0"))
    db.session.commit()

    result = runner.invoke(args=["videos", "retry", str(video_id)])

    assert result.exit_code == 0, result.output
    video = wait_until_finished(video_id)
    assert (video.status, video.error) == (VideoStatus.PROCESSED, None)


def test_retry_refuses_processed_and_missing_videos(runner, user, make_video):
    processed = make_video(user)

    assert runner.invoke(args=["videos", "retry", str(processed.id)]).exit_code != 0
    assert runner.invoke(args=["videos", "retry", str(processed.id + 99)]).exit_code != 0
