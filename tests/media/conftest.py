"""Small real clips made with ffmpeg lavfi (generated once per session) and helpers to inspect outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from anb.media.brand import brand
from anb.media.logo import make_logo_card, make_watermark
from anb.media.synthetic import make_clip
from anb.media.transform import fit
from tests.clips import FIT_SECONDS

CLIP_SECONDS = 5


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def landscape_clip(media_dir: Path) -> Path:
    return make_clip(media_dir / "landscape.mp4", 640, 360, CLIP_SECONDS)


@pytest.fixture(scope="session")
def portrait_clip(media_dir: Path) -> Path:
    return make_clip(media_dir / "portrait.mp4", 360, 640, CLIP_SECONDS)


@pytest.fixture(scope="session")
def card(media_dir: Path) -> Path:
    return make_logo_card(media_dir / "card.png")


@pytest.fixture(scope="session")
def watermark(media_dir: Path) -> Path:
    return make_watermark(media_dir / "watermark.png")


@pytest.fixture(scope="session")
def fitted_landscape(media_dir: Path, landscape_clip: Path) -> Path:
    return fit(landscape_clip, media_dir / "fitted_landscape.mp4", max_seconds=FIT_SECONDS)


@pytest.fixture(scope="session")
def fitted_portrait(media_dir: Path, portrait_clip: Path) -> Path:
    return fit(portrait_clip, media_dir / "fitted_portrait.mp4", max_seconds=FIT_SECONDS)


@pytest.fixture(scope="session")
def card_cache(media_dir: Path) -> Path:
    return media_dir / "cache"


@pytest.fixture(scope="session")
def branded_landscape(media_dir: Path, fitted_landscape: Path, card: Path, watermark: Path,
                      card_cache: Path) -> Path:
    return brand(fitted_landscape, media_dir / "branded_landscape.mp4", card, watermark, card_cache,
                 poster=media_dir / "poster_landscape.jpg")


@pytest.fixture(scope="session")
def poster_landscape(media_dir: Path, branded_landscape: Path) -> Path:
    """The poster frame the branding of the landscape clip wrote."""
    return media_dir / "poster_landscape.jpg"


@pytest.fixture
def corrupt_clip(tmp_path: Path) -> Path:
    """Bytes that only pretend to be an MP4, as a broken upload would."""
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
    return path
