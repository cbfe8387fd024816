"""The hostile corpus (scripts/make_hostile_corpus, small variants for the tests' limits), uploaded through
the API: each file is refused with a JSON 400 and leaves nothing, or ends processed correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from anb.extensions import db
from anb.media.probe import probe
from anb.media.synthetic import HOSTILE, make_hostile_corpus
from anb.models import Video, VideoStatus
from tests.clips import frame_at
from tests.helpers import stored, stored_files, upload, uploaded_id
from tests.worker import wait_until_finished

#: The limit the oversize file is over (the real 100 MB would make the test write 100 MB).
SMALL_LIMIT = 300_000
#: A word of the Spanish message each refusal must carry.
REFUSED = {
    "renamed_text": "video válido", "empty": "vacío", "truncated": "incompleto",
    "zero_video_frames": "dañado", "audio_only": "pista de video", "eight_k": "resolución máxima",
    "fps_240": "cuadros por segundo", "huge_duration_header": "duración", "oversize": "tamaño máximo",
}
PROCESSED = ("variable_rate", "rotated_phone")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return make_hostile_corpus(tmp_path_factory.mktemp("hostile"), small=True, max_bytes=SMALL_LIMIT)


def test_every_corpus_file_has_an_expected_outcome():
    assert set(REFUSED) | set(PROCESSED) == set(HOSTILE)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_file_is_refused_with_a_reason_and_leaves_nothing(app, client, auth_headers, corpus, name,
                                                                  monkeypatch):
    if name == "oversize":
        monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", SMALL_LIMIT)

    response = upload(client, auth_headers, corpus[name])

    assert response.status_code == 400, response.get_json()
    assert REFUSED[name] in response.get_json()["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Video)) == 0
    assert stored_files(app) == []


def test_variable_frame_rate_clip_is_processed(app, client, auth_headers, corpus, live_worker):
    video = wait_until_finished(uploaded_id(client, auth_headers, corpus["variable_rate"]), timeout=120)

    assert video.status == VideoStatus.PROCESSED, video.error
    info = probe(stored(app, video.processed_key))
    assert (info.width, info.height) == (1280, 720)


def test_rotated_phone_clip_comes_out_upright_and_letterboxed(app, client, auth_headers, corpus, live_worker):
    video = wait_until_finished(uploaded_id(client, auth_headers, corpus["rotated_phone"]), timeout=120)

    assert video.status == VideoStatus.PROCESSED, video.error
    frame = frame_at(stored(app, video.processed_key), 2.5 + 1)
    picture_width = round(720 * 240 / 426)  # shown 240x426 (portrait), fitted to 720 high
    bar = (1280 - picture_width) // 2
    assert frame[200:, : bar - 4].max() < 24 and frame[200:, 1280 - bar + 4:].max() < 24
    assert frame[:, 640 - picture_width // 4: 640 + picture_width // 4].mean() > 40
