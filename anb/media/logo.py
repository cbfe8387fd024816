"""Draw the ANB logo with Pillow, so the bumper card and the watermark need no design files to build."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BACKGROUND = (11, 16, 32)
BALL_ORANGE = (238, 114, 28)
SEAM = (24, 16, 10)
WHITE = (255, 255, 255)
GOLD = (250, 196, 60)
Size = tuple[int, int]


def load_font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Use DejaVu when installed for a consistent look; Pillow's own font keeps it working without."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def ball_tile(radius: int) -> Image.Image:
    """Draw a basketball (orange disc, dark seams clipped to it) so the logo reads as ANB's at a glance."""
    side, line = 2 * radius + 1, max(2, radius // 14)
    tile = Image.new("RGBA", (side, side), (*BALL_ORANGE, 255))
    draw = ImageDraw.Draw(tile)
    draw.line((radius, 0, radius, side), fill=SEAM, width=line)
    draw.line((0, radius, side, radius), fill=SEAM, width=line)
    reach = int(radius * 0.55)
    draw.ellipse((-reach, 0, reach, side - 1), outline=SEAM, width=line)
    draw.ellipse((side - 1 - reach, 0, side - 1 + reach, side - 1), outline=SEAM, width=line)
    draw.ellipse((0, 0, side - 1, side - 1), outline=SEAM, width=line)
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, side - 1, side - 1), fill=255)
    tile.putalpha(mask)
    return tile


def paste_ball(image: Image.Image, center: Size, radius: int) -> None:
    """Composite the ball centred on a point of an RGBA image."""
    image.alpha_composite(ball_tile(radius), (center[0] - radius, center[1] - radius))


def draw_centered_text(draw: ImageDraw.ImageDraw, center: Size, text: str, size: int,
                       fill: tuple[int, ...], outline: int = 0) -> None:
    """Centre text on a point, with an optional dark outline so it stays legible over the ball."""
    font = load_font(size)
    draw.text(center, text, font=font, fill=fill, anchor="mm", stroke_width=outline, stroke_fill=SEAM)


def make_logo_card(path: Path, size: Size = (1280, 720)) -> Path:
    """Write the full-frame opening/closing bumper card that frames every processed video."""
    width, height = size
    card = Image.new("RGBA", size, (*BACKGROUND, 255))
    unit = min(width, height)
    ball_center = (width // 2, int(height * 0.40))
    paste_ball(card, ball_center, int(unit * 0.25))
    draw = ImageDraw.Draw(card)
    draw_centered_text(draw, ball_center, "ANB", int(unit * 0.17), WHITE, outline=max(2, unit // 120))
    draw_centered_text(draw, (width // 2, int(height * 0.78)), "ANB Rising Stars", int(unit * 0.085), GOLD)
    draw_centered_text(draw, (width // 2, int(height * 0.88)), "Showcase", int(unit * 0.05), WHITE)
    return _save(card.convert("RGB"), path)


def make_watermark(path: Path, width: int = 160) -> Path:
    """Write a small transparent logo that marks the playing part without hiding the action."""
    scale = 4  # drawn large and scaled down, so the small edges are smooth
    big_w, big_h = width * scale, int(width * 0.45) * scale
    mark = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
    radius = big_h // 2 - 2 * scale
    paste_ball(mark, (radius + 2 * scale, big_h // 2), radius)
    text_center = ((2 * radius + 4 * scale + big_w) // 2, big_h // 2)
    draw_centered_text(ImageDraw.Draw(mark), text_center, "ANB", int(big_h * 0.5), (*WHITE, 235),
                       outline=max(1, big_w // 80))
    return _save(mark.resize((width, big_h // scale), Image.Resampling.LANCZOS), path)


def _save(image: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)
    return path
