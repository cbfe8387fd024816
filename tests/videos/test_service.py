"""The video rules called without any HTTP request: the CLI, the workers and the tests use them so."""

import pytest

from anb.videos import service


def test_owned_video_takes_the_owner_as_an_argument(user, make_user, make_video):
    video = make_video(user)
    other = make_user()

    assert service.owned_video(str(video.id), user) == video
    assert service.owned_video("999999", user) is None
    with pytest.raises(service.NotOwner):
        service.owned_video(str(video.id), other)
