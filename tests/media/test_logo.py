"""The Pillow-drawn logo: a full-frame card and a small transparent watermark."""

from pathlib import Path

import numpy as np
from PIL import Image

from anb.media import logo
from anb.media.logo import make_logo_card, make_watermark


def test_card_is_a_dark_full_frame_with_an_orange_ball(tmp_path: Path) -> None:
    path = make_logo_card(tmp_path / "card.png")
    image = Image.open(path)
    assert image.size == (1280, 720) and image.mode == "RGB"
    pixels = np.asarray(image).astype(int)
    assert pixels[:40, :40].max() < 50, "the background should be dark"
    orange = (pixels[..., 0] > 200) & (pixels[..., 1] > 80) & (pixels[..., 1] < 150) & (pixels[..., 2] < 80)
    assert orange.sum() > 20_000, "the basketball should be clearly visible"
    assert (pixels.sum(axis=2) > 700).sum() > 5_000, "the white ANB lettering should be there"


def test_card_honours_another_size(tmp_path: Path) -> None:
    assert Image.open(make_logo_card(tmp_path / "small.png", size=(640, 360))).size == (640, 360)


def test_watermark_is_small_and_transparent_around_the_logo(tmp_path: Path) -> None:
    image = Image.open(make_watermark(tmp_path / "mark.png", width=160))
    assert image.mode == "RGBA" and image.width == 160 and image.height < 100
    alpha = np.asarray(image)[..., 3]
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0, "corners should be see-through"
    assert (alpha > 200).mean() > 0.3, "the logo itself should be opaque"


def test_falls_back_to_pillow_font_without_dejavu(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(logo, "FONT_DIR", tmp_path / "no-fonts-here")
    assert Image.open(make_logo_card(tmp_path / "card.png")).size == (1280, 720)
